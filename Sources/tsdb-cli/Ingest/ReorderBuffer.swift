import Foundation

/// Items numbered 0, 1, 2, … put by several producer threads in any order, taken by one consumer in
/// number order.
///
/// At most `window` items past the next one to take are held: a producer whose item is further ahead
/// waits, so memory stays bounded when one item is slow. Producers that take their numbers in order
/// (from one FIFO) never deadlock: the item the consumer waits for is always within the window.
final class ReorderBuffer<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Int: Element] = [:]
    private var next = 0
    /// The count of items, once the producers know it.
    private var total: Int?
    private var cancelled = false
    private let window: Int

    init(window: Int) { self.window = max(1, window) }

    /// Waits until `number` is within the window, then stores `item`; false when the consumer cancelled.
    @discardableResult
    func put(_ number: Int, _ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        precondition(number >= next && items[number] == nil, "BUG: item \(number) put twice")
        while number >= next + window && !cancelled { condition.wait() }
        if cancelled { return false }
        items[number] = item
        condition.broadcast()
        return true
    }

    /// There are `count` items in all (numbers 0..<count).
    func finish(count: Int) {
        condition.lock()
        total = count
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the producers; held items are dropped.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// The next item in number order, waiting for it; nil after the last one (or once cancelled).
    func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items[next] == nil && !cancelled && next != total { condition.wait() }
        guard !cancelled, let item = items.removeValue(forKey: next) else { return nil }
        next += 1
        condition.broadcast()
        return item
    }
}
