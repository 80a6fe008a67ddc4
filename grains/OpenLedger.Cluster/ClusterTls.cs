using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace OpenLedger.Cluster;

/// <summary>
/// Mutual TLS on every Orleans connection (silo to silo, client to a silo's Orleans gateway port), pinned to one cluster certificate: a
/// peer is accepted only if it presents that very certificate. Why: the Orleans ports carry grain calls with no
/// authentication of their own, and whoever can send a grain call can ask the producer's grains to do anything. The
/// certificate (with its private key) is the cluster's membership card: every silo and every process that joins as
/// an Orleans client (the separate GraphQL gateway) holds the same file; nobody else can even complete a handshake.
/// </summary>
public static class ClusterTls
{
    /// <summary>Requires TLS with <paramref name="certificate"/> on the silo's inbound and outbound connections.</summary>
    public static ISiloBuilder UseOpenLedgerClusterTls(this ISiloBuilder silo, X509Certificate2 certificate) =>
        silo.UseTls(certificate, options => Pin(options, certificate));

    /// <summary>Requires TLS with <paramref name="certificate"/> on the client's connections to the silos' Orleans gateway ports.</summary>
    public static IClientBuilder UseOpenLedgerClusterTls(this IClientBuilder client, X509Certificate2 certificate) =>
        client.UseTls(certificate, options => Pin(options, certificate));

    private static void Pin(TlsOptions options, X509Certificate2 certificate)
    {
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Self-signed by design, so the platform's chain and name checks cannot pass: the pin is the whole check.
        options.RemoteCertificateValidation = (remote, _, _) => IsClusterCertificate(remote, certificate);
        options.HandshakeTimeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>Same certificate: same DER bytes (so same public key and same signature).</summary>
    public static bool IsClusterCertificate(X509Certificate2? remote, X509Certificate2 cluster) =>
        remote is not null && remote.RawDataMemory.Span.SequenceEqual(cluster.RawDataMemory.Span);
}
