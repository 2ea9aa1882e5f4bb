import Foundation

/// The standard Prometheus `process_*` series, read from `/proc/self` at each scrape (Linux; nil
/// elsewhere, and then nothing is reported).
struct ProcessMetrics: Sendable, Equatable {
    /// User plus system CPU time (seconds).
    var cpuSeconds: Double
    var residentBytes: Int
    var virtualBytes: Int
    var openFDs: Int
    var maxFDs: Int?
    /// Start time since the Unix epoch (seconds).
    var startTime: Double

    /// Reads the figures of this process.
    static func read() -> ProcessMetrics? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let uptime = bootTime() else { return nil }
        guard let m = parse(stat: stat, bootTime: uptime, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))),
                            pageSize: sysconf(Int32(_SC_PAGESIZE))) else { return nil }
        var p = m
        p.openFDs = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count ?? 1) - 1  // the listing's own fd
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(Int.max) { p.maxFDs = Int(limit.rlim_cur) }
        return p
    }

    /// Parses `/proc/<pid>/stat`: fields after the parenthesised command name (which may hold spaces).
    static func parse(stat: String, bootTime: Double, ticksPerSecond: Double, pageSize: Int) -> ProcessMetrics? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        // Field 3 (state) is [0]; utime 14 → [11], stime 15 → [12], starttime 22 → [19], vsize 23 → [20], rss 24 → [21].
        let f = stat[stat.index(after: close)...].split(separator: " ")
        guard f.count > 21, let utime = Double(f[11]), let stime = Double(f[12]), let start = Double(f[19]),
              let vsize = Int(f[20]), let rss = Int(f[21]), ticksPerSecond > 0 else { return nil }
        return ProcessMetrics(cpuSeconds: (utime + stime) / ticksPerSecond, residentBytes: rss * pageSize, virtualBytes: vsize,
                              openFDs: 0, maxFDs: nil, startTime: bootTime + start / ticksPerSecond)
    }

    /// The boot time (`btime` of `/proc/stat`), seconds since the epoch.
    private static func bootTime() -> Double? {
        guard let s = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = s.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }) else { return nil }
        return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
    }

    /// Appends the series in the text exposition format.
    func render(into out: inout [UInt8]) {
        var t = ""
        func add(_ name: String, _ type: String, _ help: String, _ value: String) {
            t += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        add("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", String(cpuSeconds))
        add("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", String(residentBytes))
        add("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", String(virtualBytes))
        add("process_open_fds", "gauge", "Number of open file descriptors.", String(openFDs))
        if let m = maxFDs { add("process_max_fds", "gauge", "Maximum number of open file descriptors.", String(m)) }
        add("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", String(startTime))
        out.append(contentsOf: t.utf8)
    }
}
