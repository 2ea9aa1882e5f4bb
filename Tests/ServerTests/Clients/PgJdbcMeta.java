import java.sql.*;

/** JDBC DatabaseMetaData (Debian's libpostgresql-jdbc-java) against tsdb-server's --pg port: getSchemas,
 *  getTables, getColumns and getPrimaryKeys for one table, each row printed as `call|col|col|…`, and an array result;
 *  exits non-zero on any error.
 *  usage: java -cp postgresql.jar PgJdbcMeta.java PORT DB TABLE */
public class PgJdbcMeta {
    static void print(String call, ResultSet rs, String... columns) throws SQLException {
        try (rs) {
            while (rs.next()) {
                StringBuilder line = new StringBuilder(call);
                for (String c : columns) line.append("|").append(rs.getString(c));
                System.out.println(line);
            }
        }
    }

    public static void main(String[] a) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/" + a[1];
        try (Connection c = DriverManager.getConnection(url, "tester", "")) {
            DatabaseMetaData md = c.getMetaData();
            print("schemas", md.getSchemas(), "TABLE_SCHEM", "TABLE_CATALOG");
            print("schemas-public", md.getSchemas(null, "pub%"), "TABLE_SCHEM");
            print("tables", md.getTables(null, "public", "%", new String[] {"TABLE"}), "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS");
            print("tables-all", md.getTables(null, null, a[2], null), "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE");
            print("columns", md.getColumns(null, "public", a[2], "%"), "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME",
                "COLUMN_SIZE", "NULLABLE", "ORDINAL_POSITION", "IS_NULLABLE", "IS_AUTOINCREMENT");
            // Array results: the array type's OID (named by the driver) and PostgreSQL's array text.
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT ARRAY[1, 2] AS a, ARRAY['x', 'y z'] AS b, '{}'::int4[] AS c")) {
                rs.next();
                ResultSetMetaData m = rs.getMetaData();
                StringBuilder line = new StringBuilder("arrays");
                for (int i = 1; i <= 3; i++) line.append("|").append(m.getColumnTypeName(i)).append("|").append(rs.getString(i));
                System.out.println(line);
            }
            // getPrimaryKeys: the driver's query expands pg_index.indkey with a set-returning function in
            // the select list and reads its record's fields; tsdb has no keys, so no rows.
            int keys = 0;
            try (ResultSet rs = md.getPrimaryKeys(null, "public", a[2])) {
                while (rs.next()) keys++;
            }
            System.out.println("primary-keys|count|" + keys);
            System.out.println("done");
        }
    }
}
