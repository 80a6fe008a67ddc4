using System.Security.Cryptography.X509Certificates;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Keys;
using OpenLedger.Gateway.Configuration;
using OpenLedger.Gateway.Hosting.Boundary;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Mempool;
using OpenLedger.Grains.Hosting;
using OpenLedger.Storage;

namespace OpenLedger.Silo.Configuration;

/// <summary>Where a node keeps its data and how it joins a cluster. Defaults: the embedded store
/// (SQLite file under ./data), localhost clustering, the dev genesis. Every option can also come from the
/// environment (OPENLEDGER_POSTGRES, OPENLEDGER_DATA_DIR, ...), which is how a cluster is configured.</summary>
public sealed record NodeSettings(
    StorageBackend Backend,
    string ConnectionString,
    string DataDirectory,
    string GenesisPath,
    int SiloPort,
    int GatewayPort,
    string? ProducerKeyHex,
    bool ProduceEmptyBlocks,
    int MempoolCapacity,
    int HttpPort = NodeSettings.DefaultHttpPort,
    SiloRoles Roles = SiloRoles.All,
    string? ServingKeyHex = null,
    string? BaseModelDirectory = null,
    string? ClusterCertificateFile = null,
    IReadOnlyList<string>? AllowedHosts = null,
    IReadOnlyList<string>? AllowedOrigins = null,
    string? OperatorTokenFile = null,
    long MempoolMaxBytes = 128L * 1024 * 1024,
    long MempoolFutureTtlMs = 180_000,
    string? ProducerKeyFile = null,
    string? ServingKeyFile = null,
    int? TrainingThreads = null,
    System.Net.IPAddress? ClusterAddress = null,
    string? AttributionKeyHex = null,
    string? AttributionKeyFile = null,
    int WebSocketsPerClient = GatewaySettings.DefaultWebSocketsPerClient,
    int WebSocketsTotal = GatewaySettings.DefaultWebSocketsTotal)
{
    /// <summary>Whether this silo hosts Model Factory, OpenLoRA, serving and attribution (the ml role).</summary>
    public bool Ml => Roles.HasFlag(SiloRoles.Ml);

    /// <summary>Whether this silo hosts the ledger's grains and runs the block producer's start-up (the core role).</summary>
    public bool HostsLedger => Roles.HasFlag(SiloRoles.Core);

    /// <summary>Whether this silo serves GraphQL, the web app and the WebSocket API on its HTTP port (the gateway role);
    /// without it the port answers /healthz and /metrics only.</summary>
    public bool ServesGateway => Roles.HasFlag(SiloRoles.Gateway);

    /// <summary>The mempool's limits: capacity, bytes and the gapped transactions' time to live from the command line
    /// (or environment); the rest at <see cref="MempoolOptions"/>' defaults.</summary>
    public MempoolOptions Mempool => new(Capacity: MempoolCapacity, MaxBytes: MempoolMaxBytes, FutureTtlMs: MempoolFutureTtlMs);

    /// <summary>What the node's built-in gateway and its joining of the cluster read: the options a standalone gateway
    /// (<c>openledger-gateway</c>) takes too, parsed and applied in one place.</summary>
    public GatewaySettings Gateway => new(
        Backend == StorageBackend.PostgreSql ? ConnectionString : null, DataDirectory, GatewayPort, HttpPort,
        ClusterCertificateFile, AllowedHosts, AllowedOrigins, OperatorTokenFile, WebSocketsPerClient, WebSocketsTotal);

    /// <summary>The operator's token file (administration over HTTP): --operator-token, or operator.token in the data
    /// directory.</summary>
    public string OperatorTokenPath => Gateway.OperatorTokenPath;

    /// <summary>The HTTP boundary: host names and page origins accepted, and the operator token (made if missing).</summary>
    public HttpBoundary HttpBoundary() => Gateway.HttpBoundary();

    /// <summary>The cluster certificate (mutual TLS on the Orleans ports): --cluster-cert, or cluster.pfx in the data
    /// directory.</summary>
    public string ClusterCertificatePath => Gateway.ClusterCertificatePath;

    /// <summary>The cluster certificate: a node creates it when missing; a process joining a node (<paramref name="create"/>
    /// false) needs the node's file.</summary>
    public X509Certificate2 LoadClusterCertificate(bool create) => Gateway.LoadClusterCertificate(create);

    public const int DefaultHttpPort = GatewaySettings.DefaultHttpPort;
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = GatewaySettings.DefaultGatewayPort;

    public static string DefaultGenesisPath => GenesisFile.DefaultPath;

    public static NodeSettings From(Args args)
    {
        string? Opt(string name, string env) => args.ValueOrEnvironment(name, env);
        string? PathOpt(string name, string env) => args.PathOrEnvironment(name, env);
        var gateway = GatewaySettings.From(args);
        var postgres = gateway.PostgresConnectionString;
        var dataDir = gateway.DataDirectory;
        var backend = postgres is null ? StorageBackend.Sqlite : StorageBackend.PostgreSql;
        var conn = postgres ?? $"Data Source={Path.Combine(dataDir, "openledger.db")};Pooling=True;Default Timeout=30";
        if (args.Has("producer-key") && args.Has("producer-key-file")) throw new UsageException("give --producer-key-file or --producer-key, not both");
        if (args.Has("serving-key") && args.Has("serving-key-file")) throw new UsageException("give --serving-key-file or --serving-key, not both");
        if (args.Has("attribution-key") && args.Has("attribution-key-file")) throw new UsageException("give --attribution-key-file or --attribution-key, not both");
        return new NodeSettings(
            backend, conn, dataDir,
            GenesisFile.From(args).Path,
            GatewaySettings.Port(args, "silo-port", "OPENLEDGER_SILO_PORT", DefaultSiloPort),
            gateway.GatewayPort,
            args.Has("producer-key-file") ? null : Opt("producer-key", "OPENLEDGER_PRODUCER_KEY"),
            args.Has("empty-blocks"),
            args.GetInt("mempool-capacity", 200_000, 1, int.MaxValue),
            gateway.HttpPort,
            RolesOption.From(args),
            args.Has("serving-key-file") ? null : Opt("serving-key", "OPENLEDGER_SERVING_KEY"),
            Opt("base-model", "OPENLEDGER_BASE_MODEL") is { } baseModel ? BaseModelOption.Resolve(baseModel, "--base-model (or OPENLEDGER_BASE_MODEL)") : null,
            gateway.ClusterCertificateFile,
            gateway.AllowedHosts,
            gateway.AllowedOrigins,
            gateway.OperatorTokenFile,
            Long("mempool-max-bytes", "OPENLEDGER_MEMPOOL_MAX_BYTES", 128L * 1024 * 1024),
            Long("mempool-future-ttl-ms", "OPENLEDGER_MEMPOOL_FUTURE_TTL_MS", 180_000),
            args.Has("producer-key") ? null : PathOpt("producer-key-file", "OPENLEDGER_PRODUCER_KEY_FILE"),
            args.Has("serving-key") ? null : PathOpt("serving-key-file", "OPENLEDGER_SERVING_KEY_FILE"),
            TrainingThreadsOpt(),
            ClusterAddressOpt(),
            args.Has("attribution-key-file") ? null : Opt("attribution-key", "OPENLEDGER_ATTRIBUTION_KEY"),
            args.Has("attribution-key") ? null : PathOpt("attribution-key-file", "OPENLEDGER_ATTRIBUTION_KEY_FILE"),
            gateway.WebSocketsPerClient,
            gateway.WebSocketsTotal);

        // The address the Orleans ports bind to and advertise in a PostgreSQL cluster: loopback unless the operator names the
        // interface the other silos reach (a LAN address); never the wildcard, so the ports are not opened on every network.
        System.Net.IPAddress? ClusterAddressOpt() => Opt("cluster-address", "OPENLEDGER_CLUSTER_ADDRESS") is not { } v ? null
            : System.Net.IPAddress.TryParse(v, out var a) && !a.Equals(System.Net.IPAddress.Any) && !a.Equals(System.Net.IPAddress.IPv6Any)
                // IPv4 exactly as dotted quads: the parser also takes inet_aton's short forms ("10.1.2" is 10.1.0.2), a surprise.
                && (a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? a.ToString() == v : a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) ? a
            : throw new UsageException($"--cluster-address (or OPENLEDGER_CLUSTER_ADDRESS) must be one IP address of this machine (not 0.0.0.0 or ::), got '{v}'");

        // libtorch threads per Model Factory job: the cores by default; fewer leaves room for serving and the ledger on a
        // shared machine (libtorch's threads spin at their barriers, so more threads than free cores is far slower).
        int? TrainingThreadsOpt() => Opt("training-threads", "OPENLEDGER_TRAINING_THREADS") is not { } v ? null
            : int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 256 ? n
            : throw new UsageException($"--training-threads (or OPENLEDGER_TRAINING_THREADS) must be a number 1..256, got '{v}'");

        long Long(string name, string env, long fallback) => Opt(name, env) is not { } v ? fallback
            : long.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
            : throw new UsageException($"--{name} (or {env}) expects a number, got '{v}'");
    }

    /// <summary>The genesis file, parsed (not yet checked: <see cref="LoadChain"/> does that).</summary>
    public GenesisConfig LoadGenesis() => new GenesisFile(GenesisPath).Load();

    /// <summary>The genesis file and the rules it sets, checked (a refused genesis is a usage error with the reason).</summary>
    public (GenesisConfig Genesis, ChainRules Rules) LoadChain() => new GenesisFile(GenesisPath).LoadChain();

    /// <summary>The serving operator key that signs PostResult for the inferences this node's OpenLoRA answers:
    /// given (--serving-key-file, OPENLEDGER_SERVING_KEY_FILE, OPENLEDGER_SERVING_KEY, --serving-key), or on a dev
    /// chain the dev serving operator's. Null: the node serves no on-chain inferences.</summary>
    public PrivateKey? ResolveServingKey(GenesisConfig genesis, ChainRules rules)
    {
        if (GivenKey("serving-key", ServingKeyFile, ServingKeyHex, genesis) is { } key)
        {
            if (!rules.Market.IsServingOperator(key.Address)) throw new UsageException($"--serving-key is for {key.Address}, which is not a serving operator of this genesis");
            return key;
        }
        if (genesis.Dev && genesis.DevAccounts is { } dev)
        {
            var devServing = DevChain.ServingOperator(dev.Seed);
            if (rules.Market.IsServingOperator(devServing.Address)) return devServing;
        }
        return null;
    }

    /// <summary>The attribution operator key that signs SettleAttribution for the inferences this node attributes:
    /// given (--attribution-key-file, OPENLEDGER_ATTRIBUTION_KEY_FILE, OPENLEDGER_ATTRIBUTION_KEY, --attribution-key),
    /// or on a dev chain the dev attribution operator's. Null: the node settles no inference.</summary>
    public PrivateKey? ResolveAttributionKey(GenesisConfig genesis, ChainRules rules)
    {
        if (GivenKey("attribution-key", AttributionKeyFile, AttributionKeyHex, genesis) is { } key)
        {
            if (!rules.Market.IsAttributionOperator(key.Address)) throw new UsageException($"--attribution-key is for {key.Address}, which is not an attribution operator of this genesis");
            return key;
        }
        if (genesis.Dev && genesis.DevAccounts is { } dev)
        {
            var devAttribution = DevChain.AttributionOperator(dev.Seed);
            if (rules.Market.IsAttributionOperator(devAttribution.Address)) return devAttribution;
        }
        return null;
    }

    /// <summary>The producer key: given (--producer-key-file, OPENLEDGER_PRODUCER_KEY_FILE, OPENLEDGER_PRODUCER_KEY,
    /// --producer-key), or on a dev chain the one derived from the dev seed.</summary>
    public PrivateKey? ResolveProducerKey(GenesisConfig genesis, ChainRules rules)
    {
        if (GivenKey("producer-key", ProducerKeyFile, ProducerKeyHex, genesis) is { } key)
        {
            if (key.Address != rules.Producer) throw new UsageException($"--producer-key is for {key.Address}, but the genesis producer is {rules.Producer}");
            return key;
        }
        if (genesis.Dev && genesis.DevAccounts is { } dev)
        {
            var devProducer = DevChain.Producer(dev.Seed);
            if (devProducer.Address == rules.Producer) return devProducer;
        }
        return null;
    }

    /// <summary>A key given to the node by file or value; on a chain that is not a dev chain, a published dev key is
    /// refused (anyone could sign what it signs).</summary>
    private static PrivateKey? GivenKey(string option, string? file, string? hex, GenesisConfig genesis)
    {
        PrivateKey? key;
        if (file is not null)
        {
            try { key = KeyFile.Load(file); }
            catch (CredentialFileException e) { throw new UsageException($"--{option}-file: {e.Message}"); }
        }
        else if (hex is not null) key = KeyFile.Parse(hex) ?? throw new UsageException($"--{option} must be a 32-byte private key in 0x-hex");
        else return null;
        if (!genesis.Dev && WellKnownDevKeys.Contains(key))
            throw new UsageException($"--{option} is a published dev key (derived from the dev seed): anyone can sign with it, so it is refused on a chain that is not a dev chain");
        return key;
    }
}
