import Core
import REST
import SwitchboardTestSupport
import Testing

@Suite struct APIKeyRingTests {
    @Test func findsEachKeyWithItsRole() {
        let ring = APIKeyRing(grants: EdgeKeys.grants)
        #expect(ring.count == 3)
        #expect(ring.caller(for: EdgeKeys.admin)?.role == .admin)
        #expect(ring.caller(for: EdgeKeys.agent)?.role == .agent)
        #expect(ring.caller(for: EdgeKeys.otherAgent)?.role == .agent)
        #expect(ring.caller(for: EdgeKeys.agent)?.keyID == APIKeyRing.keyID(for: EdgeKeys.agent))
    }

    @Test(arguments: ["", "admin", "admin-secret-012345678", "admin-secret-01234567890", " admin-secret-0123456789"])
    func nearMissesAreRefused(key: String) {
        #expect(APIKeyRing(grants: EdgeKeys.grants).caller(for: key) == nil)
    }

    @Test func emptyRingRefusesEverything() {
        #expect(APIKeyRing(grants: []).caller(for: EdgeKeys.admin) == nil)
    }

    @Test func firstGrantOfADuplicatedKeyWins() {
        let ring = APIKeyRing(grants: [.init(key: "same", role: .agent), .init(key: "same", role: .admin)])
        #expect(ring.caller(for: "same")?.role == .agent)
    }

    @Test func keyIDIsAPrefixOfTheSHA1() {
        // SHA-1("abc") = a9993e364706816aba3e25717850c26c9cd0d89d (FIPS 180-4 test vector).
        #expect(APIKeyRing.keyID(for: "abc") == "key_a9993e364706")
        let id = APIKeyRing.keyID(for: EdgeKeys.admin)
        // An independent SHA-1, so the id is checked against something other than the server's own.
        let hex = TestSHA1.digest(Array(EdgeKeys.admin.utf8)).map {
            String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
        }.joined()
        #expect(id == "key_" + hex.prefix(12))
        #expect(!id.contains("secret"))
    }

    @Test func keyIDsAreStableAcrossRings() {
        let first = APIKeyRing(grants: EdgeKeys.grants).caller(for: EdgeKeys.admin)
        let second = APIKeyRing(grants: EdgeKeys.grants).caller(for: EdgeKeys.admin)
        #expect(first == second)
    }
}
