/// A throwaway PostgreSQL cluster could not be set up or controlled; the message says what to look at.
public struct PostgresTestError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
