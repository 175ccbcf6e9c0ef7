import Foundation
import Logging
import Shared
import Testing
import TestSupport

/// The event bus over a three-node RabbitMQ cluster (issue 23 item 1, scripts/broker-cluster.sh):
/// the quorum queue is replicated on the three nodes; the publisher and the consumer, given the
/// three nodes' addresses, move to another node when the one they use dies, and the outbox's
/// publisher confirms still guard every row — nothing lost, nothing applied twice.
@Suite(.serialized) struct BrokerClusterTests {
    static let vhost = "ece_cluster"

    /// `scripts/broker-cluster.sh` with `arguments`: its output, or a failure naming its exit status.
    @discardableResult
    static func cluster(_ arguments: String...) async throws -> String {
        let script = LocalInfrastructure.repositoryRoot.appendingPathComponent("scripts/broker-cluster.sh")
        let process = try ChildProcess(URL(fileURLWithPath: "/bin/bash"), [script.path] + arguments)
        let status = await process.waitForExit()
        guard status == 0 else { throw ProcessFailure(message: "broker-cluster.sh \(arguments) exited \(status): \(process.text)") }
        return process.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The queue's members (node names), as the cluster reports them.
    static func members(_ queue: String) async throws -> [String] {
        let json = try await cluster("ctl", "1", "list_queues", "-p", vhost, "name", "members", "--formatter", "json")
        let queues = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
        return queues.first { $0["name"] as? String == queue }?["members"] as? [String] ?? []
    }

    /// A node whose boot ends while the three restart together (RabbitMQ 3.10 loses its peers' boot race
    /// at times) is started again, whichever node it is: `up` still brings back the whole cluster.
    /// Stop 42's CI: node 3 had failed, and node 1, waited for first, waited for it until `up` gave up.
    // Two `up`s and a `down` of three nodes took 276 s of its five minutes in stop 44's loaded CI.
    @Test(.timeLimit(.minutes(8))) func aNodeEndingAtItsBootWhileTheClusterRestartsIsStartedAgain() async throws {
        try await Self.cluster("up")
        try await Self.cluster("down")
        async let restarted = Self.cluster("up")
        // Node 3 once its Erlang VM runs (its launcher and the VM: two pids), seconds before it has booted.
        // Polled with `pids` (no Erlang CLI): `status` asks a booting node 1 for the members, which took
        // so long in stop 52's loaded CI that node 3 was killed after `up` had returned.
        var killed = false
        for _ in 0..<600 where !killed {
            let pids = (try? await Self.cluster("pids", "3")) ?? ""
            if pids.split(separator: " ").count == 2 {
                try await Self.cluster("kill", "3")
                killed = true
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(killed)
        // Killed during its boot or, on a loaded machine whose `status` answers late, just after it:
        // either way `up` starts it again (stop 44's CI saw the second).
        let output = try await restarted
        #expect(output.contains("node 3 ended at its boot") || output.contains("node 3 ended after its boot"), "\(output)")
        #expect(try await Self.cluster("status").contains("members: ece-c1@localhost ece-c2@localhost ece-c3@localhost"))
        try await Self.cluster("down")
    }

    @Test(.timeLimit(.minutes(5))) func aNodesLossLosesNothingAndSavesResumeWithinTenSeconds() async throws {
        try await Self.cluster("up", Self.vhost)
        let harness = try await BusHarness(amqpURL: try await Self.cluster("urls", Self.vhost))
        #expect(harness.amqp.nodes.count == 3)
        let type = "test.\(harness.schema).created"
        let queue = "test.\(harness.schema)"
        let running = try await harness.flowing(type: type, queue: queue)
        try await waitUntil { try await Self.members(queue).count == 3 }

        var expected = Set<UUID>()
        func enqueue(_ count: Int) async throws -> [UUID] {
            let ids = try await BusFixture.enqueue(count: count, type: type, outbox: harness.outbox(), client: harness.client,
                                                   logger: harness.logger)
            expected.formUnion(ids)
            return ids
        }
        var recoveries: [Duration] = []
        for fault in 0..<2 {
            for _ in 0..<5 {
                _ = try await enqueue(100)
                try await Task.sleep(for: .milliseconds(30))
            }
            // The node leading the queue dies without a word; the next event committed must
            // reach the consumer through the two others.
            let leader = try await Self.cluster("leader", queue, Self.vhost)
            try await Self.cluster("kill", leader)
            let killed = ContinuousClock.now
            let probe = try await enqueue(1)
            try await waitUntil(timeout: .seconds(60)) { try await harness.effects()[probe.first!] != nil }
            recoveries.append(ContinuousClock.now - killed)
            for _ in 0..<5 {
                _ = try await enqueue(100)
                try await Task.sleep(for: .milliseconds(30))
            }
            try await Self.cluster("start", leader)
            try await waitUntil(timeout: .seconds(60)) { try await Self.members(queue).count == 3 }
            harness.logger.info("fault \(fault): node \(leader) killed, events flowing again after \(recoveries.last!)")
        }
        let report = try await DrainReport.await(expected: expected, timeout: .seconds(120)) { try await harness.effects() }
        #expect(report.isClean, "\(report)")
        #expect(report.delivered == 2_002)
        #expect(try await harness.outboxStatus() == ["sent": 2_002])
        #expect(recoveries.allSatisfy { $0 < .seconds(10) }, "\(recoveries)")

        for r in running { await r.stop() }
        try await harness.dropSchema()
        await harness.shutdown()
        try await Self.cluster("down")
    }
}
