import java.sql.*;

/** JDBC (Debian's libpostgresql-jdbc-java) against tsdb-server's --pg port: a prepared statement with a
 *  typed parameter, a plain statement, and the result metadata. Prints one line per row, then the column
 *  type names; exits non-zero on any error.
 *  usage: java -cp postgresql.jar PgJdbc.java PORT DB [TOKEN [URL-PARAMETERS]], e.g. ssl=true&sslfactory=… */
public class PgJdbc {
    public static void main(String[] a) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/" + a[1] + (a.length > 3 ? "?" + a[3] : "");
        try (Connection c = DriverManager.getConnection(url, "tester", a.length > 2 ? a[2] : "")) {
            String sql = "SELECT time, artist, platform, duration_ms, liked, revenue, user_id FROM plays WHERE duration_ms >= ? ORDER BY time";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, 0);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        System.out.println("row|" + rs.getTimestamp(1).toInstant() + "|" + rs.getString(2) + "|" + rs.getString(3) + "|"
                            + rs.getLong(4) + "|" + rs.getBoolean(5) + "|" + rs.getDouble(6) + "|" + rs.getString(7));
                    }
                    ResultSetMetaData md = rs.getMetaData();
                    StringBuilder types = new StringBuilder("types");
                    for (int i = 1; i <= md.getColumnCount(); i++) types.append("|").append(md.getColumnTypeName(i));
                    System.out.println(types);
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) AS n FROM plays")) {
                rs.next();
                System.out.println("count|" + rs.getLong("n"));
            }
            System.out.println("version|" + c.getMetaData().getDatabaseProductVersion());
        }
    }
}
