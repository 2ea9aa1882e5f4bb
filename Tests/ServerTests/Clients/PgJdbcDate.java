import java.sql.*;

/** DATE results through JDBC's getDate/getObject (LocalDate) from tsdb-server's --pg port, in text and,
 *  with prepareThreshold=-1 (server-prepared at once, so pgjdbc asks for binary dates), in binary.
 *  usage: java -cp postgresql.jar PgJdbcDate.java PORT DB */
public class PgJdbcDate {
    public static void main(String[] a) throws Exception {
        String sql = "SELECT time::DATE AS day, DATE '1999-12-31' AS before_2000, CAST(NULL AS DATE) AS n FROM plays ORDER BY time LIMIT 2";
        for (String params : new String[] {"", "?prepareThreshold=-1"}) {
            String mode = params.isEmpty() ? "text" : "binary";
            String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/" + a[1] + params;
            try (Connection c = DriverManager.getConnection(url, "tester", "");
                 PreparedStatement ps = c.prepareStatement(sql)) {
                for (int run = 0; run < 2; run++) {
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            System.out.println(mode + "|" + rs.getDate(1) + "|" + rs.getObject(2, java.time.LocalDate.class) + "|" + rs.getDate(3));
                        }
                        if (run == 1) System.out.println(mode + "-type|" + rs.getMetaData().getColumnTypeName(1) + "|" + rs.getMetaData().getColumnType(1));
                    }
                }
            }
        }
        System.out.println("done");
    }
}
