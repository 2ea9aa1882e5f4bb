import Testing
@testable import InfluxQL

/// `chunked=true` lines, byte for byte as InfluxDB 1.x writes them.
struct ChunkTests {
    static let results = [
        InfluxStatementResult(statementID: 0, series: [
            InfluxSeries(name: "m", tags: [("k", "a")], columns: ["time", "v"], values: [[.time(0), .int(1)], [.time(1_000_000_000), .int(2)], [.time(2_000_000_000), .null]]),
            InfluxSeries(name: "m", tags: [("k", "b")], columns: ["time", "v"], values: [[.time(0), .float(0.5)]]),
        ]),
        InfluxStatementResult(statementID: 1, error: "database not found: x"),
        InfluxStatementResult(statementID: 2),
    ]

    @Test func linesSplitSeriesAndMarkPartial() {
        let lines = InfluxResponseJSON().chunks(Self.results, size: 2).map { String(decoding: $0, as: UTF8.self) }
        #expect(lines == [
            #"{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"k":"a"},"columns":["time","v"],"values":[["1970-01-01T00:00:00Z",1],["1970-01-01T00:00:01Z",2]],"partial":true}],"partial":true}]}"# + "\n",
            #"{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"k":"a"},"columns":["time","v"],"values":[["1970-01-01T00:00:02Z",null]]}],"partial":true}]}"# + "\n",
            #"{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"k":"b"},"columns":["time","v"],"values":[["1970-01-01T00:00:00Z",0.5]]}]}]}"# + "\n",
            #"{"results":[{"statement_id":1,"error":"database not found: x"}]}"# + "\n",
            #"{"results":[{"statement_id":2}]}"# + "\n",
        ])
    }

    @Test func linesAreMadeOneAtATime() {
        let chunks = InfluxChunks(results: Self.results, json: InfluxResponseJSON(epochUnit: 1_000_000_000), size: 10)
        let first = chunks.next().map { String(decoding: $0, as: UTF8.self) }
        #expect(first == #"{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"k":"a"},"columns":["time","v"],"values":[[0,1],[1,2],[2,null]]}],"partial":true}]}"# + "\n")
        var rest = 0
        while chunks.next() != nil { rest += 1 }
        #expect(rest == 3)
        #expect(chunks.next() == nil)
    }
}
