import Testing

@testable import Storage

@Suite struct SQLiteParameterTests {
    @Test func dollarPlaceholdersBecomeNumberedQuestionMarks() {
        #expect(SQLiteConnection.sqliteParameters("SELECT $1, $2 WHERE a = $1") == "SELECT ?1, ?2 WHERE a = ?1")
    }

    @Test func quotedDollarsStayAsTheyAre() {
        #expect(
            SQLiteConnection.sqliteParameters("SELECT '$1', \"$x\" FROM t WHERE b = $3")
                == "SELECT '$1', \"$x\" FROM t WHERE b = ?3")
    }
}
