/// The vocabulary of the synthetic DevOps metrics, in the shape of TSBS's "cpu-only" use case.
///
/// Line format (one host's sample per line, tags in this order, InfluxDB line protocol):
/// `cpu,hostname=host_0,region=…,datacenter=…,rack=…,os=…,arch=…,team=…,service=…,service_version=…,`
/// `service_environment=… usage_user=58.13,usage_system=2.5,…,usage_guest_nice=61.0 <ns timestamp>\n`
public enum DevOpsSchema {
    public static let measurement = "cpu"
    /// The ten host tags, in line order.
    public static let tags = ["hostname", "region", "datacenter", "rack", "os", "arch", "team", "service",
                              "service_version", "service_environment"]
    /// The ten gauges, in line order: percentages with two decimals.
    public static let fields = ["usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait",
                                "usage_irq", "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice"]
    /// Regions and their datacenters, as TSBS lists them.
    public static let regions: [(name: String, datacenters: [String])] = [
        ("us-east-1", ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1e"]),
        ("us-west-1", ["us-west-1a", "us-west-1b"]),
        ("us-west-2", ["us-west-2a", "us-west-2b", "us-west-2c"]),
        ("eu-west-1", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ("eu-central-1", ["eu-central-1a", "eu-central-1b"]),
        ("ap-southeast-1", ["ap-southeast-1a", "ap-southeast-1b"]),
        ("ap-southeast-2", ["ap-southeast-2a", "ap-southeast-2b"]),
        ("ap-northeast-1", ["ap-northeast-1a", "ap-northeast-1c"]),
        ("sa-east-1", ["sa-east-1a", "sa-east-1b", "sa-east-1c"]),
    ]
    public static let racks = 100
    public static let operatingSystems = ["Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"]
    public static let architectures = ["x64", "x86"]
    public static let teams = ["SF", "NYC", "LON", "CHI"]
    public static let services = 20
    public static let serviceVersions = 2
    public static let environments = ["production", "staging", "test"]
    /// Seconds between one host's samples.
    public static let intervalSeconds: Int64 = 10
    /// Gauges are kept in hundredths: 0…10000 is 0.00…100.00.
    public static let maxHundredths: Int32 = 10_000
}
