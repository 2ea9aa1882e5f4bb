import Foundation
import QueryEngine
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C in the interactive shell: a SIGINT handler that only raises a flag. At the prompt the flag
/// interrupts libedit's read (the handler is installed without `SA_RESTART`), so the line is dropped;
/// while a statement runs, `run(_:)` sees it and cancels the query through its `QueryControl`.
enum ShellInterrupt {
    private static let raised = Atomic<Bool>(false)

    /// Installs the handler (interactive shells only; a script still dies of SIGINT).
    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in ShellInterrupt.raised.store(true, ordering: .sequentiallyConsistent) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        // A parent may have started us with SIGINT blocked (the mask is inherited across exec).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    static func clear() { raised.store(false, ordering: .sequentiallyConsistent) }

    static var isRaised: Bool { raised.load(ordering: .sequentiallyConsistent) }

    /// Whether Ctrl-C was pressed since the last `clear`/`take`; clears it.
    static func take() -> Bool { raised.exchange(false, ordering: .sequentiallyConsistent) }

    /// Runs `body` on another thread, cancelling `control` when Ctrl-C is pressed meanwhile (once
    /// `install`ed), and showing a progress line on a terminal after a second (`QueryProgress`).
    static func run<T>(_ control: QueryControl, _ body: @escaping () throws -> T) throws -> T {
        let slot = RunSlot<T>()
        let work = UnsafeTransfer(body)
        let thread = Thread {
            slot.result = Result { try work.value() }
            slot.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        var progress = QueryProgress(control: control)
        while slot.done.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            if take() { control.cancel("cancelled") }
            progress.tick()
        }
        progress.finish()
        return try slot.result!.get()
    }
}

/// The outcome of `ShellInterrupt.run`'s thread.
final class RunSlot<T>: @unchecked Sendable {
    var result: Result<T, Error>?
    let done = DispatchSemaphore(value: 0)
}

/// Moves a value the caller knows is used by one thread at a time across a thread boundary.
struct UnsafeTransfer<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
