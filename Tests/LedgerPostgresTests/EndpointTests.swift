import Ledger
import LedgerPostgres
import Testing

/// The database URL: what it accepts, what it refuses, and that the password never shows.
@Suite struct EndpointTests {
    @Test func parsesEveryPartAndHidesThePassword() throws {
        let endpoint = try PostgresEndpoint(
            url: "postgres://sika:s3cr%40t@db.example.tg:6432/ledger?sslmode=verify-full&sslrootcert=/etc/ca.pem&schema=node_a")
        #expect(endpoint.user == "sika")
        #expect(endpoint.password == "s3cr@t")
        #expect(endpoint.host == "db.example.tg")
        #expect(endpoint.port == 6432)
        #expect(endpoint.database == "ledger")
        #expect(endpoint.tls == .verifyFull)
        #expect(endpoint.rootCertificatePath == "/etc/ca.pem")
        #expect(endpoint.schema == "node_a")
        #expect(endpoint.location == "postgres://sika@db.example.tg:6432/ledger?sslmode=verify-full&schema=node_a")
        #expect(!"\(endpoint)".contains("s3cr"))
    }

    @Test func defaultsFollowLibpq() throws {
        let endpoint = try PostgresEndpoint(url: "postgresql://sika@localhost")
        #expect(endpoint.port == 5432)
        #expect(endpoint.database == "sika", "the database defaults to the user's name")
        #expect(endpoint.tls == .prefer)
        #expect(endpoint.schema == "public")
        #expect(endpoint.password == nil)
        #expect(endpoint.connectTimeout == .seconds(10))
    }

    /// libpq's `connect_timeout` is honoured, and carried by ``PostgresEndpoint/location`` (children get it too).
    @Test func theConnectTimeoutIsReadAndCarried() throws {
        let endpoint = try PostgresEndpoint(url: "postgres://sika@localhost/sika?connect_timeout=45")
        #expect(endpoint.connectTimeout == .seconds(45))
        #expect(endpoint.location == "postgres://sika@localhost:5432/sika?connect_timeout=45")
        #expect(try PostgresEndpoint(url: endpoint.location).connectTimeout == .seconds(45))
    }

    @Test(arguments: [
        ("sika.sqlite", "not a postgres://"),
        ("postgres://localhost/sika", "names no user"),
        ("postgres://sika@localhost/sika?sslmode=maybe", "sslmode=maybe is not one of"),
        ("postgres://sika@localhost/sika?schema=a;drop", "schema=a;drop"),
        ("postgres://sika@localhost/sika?schema=1abc", "not starting with a digit"),
        ("postgres://sika@localhost/sika?pool=9", "unknown database URL parameter pool"),
        ("postgres://sika@localhost/sika?connect_timeout=0", "connect_timeout=0"),
        ("postgres://sika@localhost/sika?connect_timeout=soon", "connect_timeout=soon"),
    ])
    func refusesWhatItCannotUse(_ url: String, _ message: String) {
        #expect {
            _ = try PostgresEndpoint(url: url)
        } throws: { error in
            (error as? PostgresStoreError)?.code == .configuration && "\(error)".contains(message)
        }
    }

    /// `synchronous_commit` and `fsync` as the writers report them, against what was configured.
    @Test func durabilityReadingsMapToLevels() {
        #expect(Durability(synchronousCommit: "on", fsync: "on", configured: .full) == .full)
        #expect(Durability(synchronousCommit: "remote_apply", fsync: "on", configured: .full) == .full)
        #expect(Durability(synchronousCommit: "on", fsync: "off", configured: .full) == nil, "a server that does not flush is not full")
        #expect(Durability(synchronousCommit: "off", fsync: "on", configured: .full) == .normal, "off is weaker than full: refused")
        #expect(Durability(synchronousCommit: "off", fsync: "on", configured: .off) == .off)
        #expect(Durability(synchronousCommit: "bogus", fsync: "on", configured: .full) == nil)
        #expect(Durability.full.synchronousCommit == "on" && Durability.normal.synchronousCommit == "off")
    }
}
