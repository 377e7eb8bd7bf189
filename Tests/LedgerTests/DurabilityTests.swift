import Foundation
import Ledger
import LedgerSQLite
import SyncCountingVFS
import Testing

/// The durability the configuration names is the one the writer really runs with: read back from the
/// writer connection, and counted at the file level (a commit with FULL syncs the log; NORMAL does not).
@Suite(.serialized) struct DurabilityTests {
    private func open(_ durability: Durability, in directory: URL) async throws -> Ledger {
        var options = Ledger.Options()
        options.durability = durability
        options.maxBatch = 1
        return try await Ledger.openSQLite(path: directory.appending(path: "ledger.sqlite").path, catalog: LedgerFixture.catalog, options: options)
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "sika-durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: Durability.allCases)
    func theWriterReportsTheConfiguredLevel(_ durability: Durability) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try await open(durability, in: directory)
        #expect(ledger.durability == durability)
        // Read again through the writer connection after a write, not from the options.
        _ = try await ledger.write { tx in try tx.openAccount(code: "wallet:tmoney:22890000001", kind: .wallet, operatorID: "tmoney", label: "W") }
        #expect(try await ledger.writerDurability() == durability)
    }

    /// The page caches are what the memory figure of docs/BENCHMARKS.md is bounded by: read back from the writer
    /// and from a reader connection, not from the constants.
    @Test func thePageCachesAreBoundedAsDocumented() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try await open(.full, in: directory)
        let store = try #require(ledger.store as? SQLiteLedgerStore)
        let (writer, reader) = try await store.pageCacheKiB()
        #expect(writer == SQLiteLedgerStore.writerCacheKiB && reader == SQLiteLedgerStore.readerCacheKiB)
        #expect(SQLiteLedgerStore.pageCacheBoundMiB == 64)
    }

    /// Counts `xSync` on the ledger's files: with FULL every one-operation commit syncs the log; with
    /// NORMAL (GRDB's silent default in WAL mode) almost none do. 40 commits each.
    @Test func fullSyncsEveryCommitAndNormalDoesNot() async throws {
        #expect(sika_sync_vfs_install() == 0)
        var counts: [Durability: Int] = [:]
        for durability in [Durability.full, .normal] {
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            sika_sync_vfs_watch(directory.lastPathComponent)
            let ledger = try await open(durability, in: directory)
            let issuance = try ledger.context.systemAccount(.issuance, of: "tmoney")
            let wallet = try await ledger.write { tx in
                try tx.openAccount(code: "wallet:tmoney:22890000001", kind: .wallet, operatorID: "tmoney", label: "W")
            }
            let before = sika_sync_vfs_count()
            for i in 0..<40 {
                _ = try await ledger.transfer(
                    TransferRequest(idempotencyKey: "sync:\(i)", debit: issuance, credit: wallet.id, amount: 100, kind: .cashIn))
            }
            counts[durability] = sika_sync_vfs_count() - before
        }
        sika_sync_vfs_watch(nil)
        #expect((counts[.full] ?? 0) >= 40, "FULL synced \(counts[.full] ?? 0) times for 40 commits")
        #expect((counts[.normal] ?? 0) < 10, "NORMAL synced \(counts[.normal] ?? 0) times for 40 commits")
    }

    /// The files hold names, balances and PIN hashes: owner-only, the database and its WAL and SHM.
    @Test func theLedgerFilesAreOwnerOnly() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "ledger.sqlite").path
        // An older version left a world-readable database behind: it is tightened at open.
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
        let ledger = try await open(.full, in: directory)
        _ = try await ledger.write { tx in try tx.openAccount(code: "wallet:tmoney:22890000001", kind: .wallet, operatorID: "tmoney", label: "W") }
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file) has mode \(String(mode ?? 0, radix: 8))")
        }
        let fresh = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: fresh) }
        let created = try await open(.full, in: fresh)
        _ = try await created.verify()
        for file in PrivateFilePaths.of(fresh.appending(path: "ledger.sqlite").path) {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file) has mode \(String(mode ?? 0, radix: 8))")
        }
    }

    @Test func aMissingDirectoryIsNamed() async throws {
        await #expect {
            _ = try await Ledger.openSQLite(path: "/nonexistent-sika-dir/ledger.sqlite", catalog: LedgerFixture.catalog)
        } throws: { error in
            (error as? LedgerError)?.code == .storage && "\(error)".contains("directory /nonexistent-sika-dir does not exist")
        }
    }
}

private enum PrivateFilePaths {
    static func of(_ path: String) -> [String] { [path, path + "-wal", path + "-shm"] }
}
