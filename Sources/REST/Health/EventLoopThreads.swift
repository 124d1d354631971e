import Core
import NIOCore
import Synchronization

/// The kernel thread id of each event loop of a group, learnt from a task run on the loop, so that
/// another thread can read the loop thread's scheduler statistics (``ThreadScheduling``).
final class EventLoopThreads: Sendable {
    private let ids = Mutex<[ObjectIdentifier: Int32]>([:])

    /// Starts learning every loop's id; each is known once the loop has run one task.
    init(_ group: any EventLoopGroup) {
        for loop in group.makeIterator() {
            loop.execute { [self] in
                guard let id = ThreadScheduling.currentThreadID() else { return }
                self.ids.withLock { $0[ObjectIdentifier(loop)] = id }
            }
        }
    }

    func id(of loop: any EventLoop) -> Int32? {
        self.ids.withLock { $0[ObjectIdentifier(loop)] }
    }
}
