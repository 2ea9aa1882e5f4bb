import Foundation

/// A blocking FIFO of at most `capacity` items between one producer and one consumer thread.
///
/// `finish` ends the stream after the queued items; `cancel` (from the consumer) makes further
/// `push`es return false so the producer stops.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private let capacity: Int
    private var finished = false
    private var cancelled = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Waits for room and appends `item`; false when the consumer cancelled.
    @discardableResult
    func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// No more items will come.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the producer; queued items are dropped.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// The next item, waiting for one; nil once finished and drained (or cancelled).
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished && !cancelled { condition.wait() }
        if cancelled || items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }
}
