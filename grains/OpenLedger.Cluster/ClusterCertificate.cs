using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenLedger.Cluster;

/// <summary>
/// The cluster certificate (<see cref="ClusterTls"/>): a self-signed ECDSA P-256 certificate with its private key, in
/// a PKCS#12 file readable by its owner only. A node creates it on first start (in its data directory by default);
/// the silos of a cluster and the processes that join them as Orleans clients share one copy of the file.
/// </summary>
public static class ClusterCertificate
{
    public const string DefaultFileName = "cluster.pfx";
    private const string Subject = "CN=openledger-cluster";

    /// <summary>A new certificate, in memory (tests; <see cref="LoadOrCreate"/> writes one to a file).</summary>
    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(20));
        // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Loads the certificate at <paramref name="path"/>, or creates it there (owner read/write only) when no
    /// file exists. Refuses a file that others can read or write: whoever reads it can join the cluster.</summary>
    /// <exception cref="ClusterCertificateException">the file is unsafe or unreadable.</exception>
    public static X509Certificate2 LoadOrCreate(string path)
    {
        if (!File.Exists(Path.GetFullPath(path))) TryWriteNew(Path.GetFullPath(path));
        return Load(path);
    }

    /// <summary>Loads the certificate at <paramref name="path"/> (a process joining an existing cluster: never creates
    /// one). Refuses a file that others can read or write.</summary>
    /// <exception cref="ClusterCertificateException">the file is missing, unsafe or unreadable.</exception>
    public static X509Certificate2 Load(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new ClusterCertificateException($"no cluster certificate at {path}: give the node's file with --cluster-cert (a node creates it in its data directory)");
        CheckPermissions(path);
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, null);
            if (!certificate.HasPrivateKey) throw new ClusterCertificateException($"{path} holds no private key; the cluster certificate needs one");
            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new ClusterCertificateException($"{path} is not a readable PKCS#12 certificate without a password: {e.Message}", e);
        }
    }

    private static void TryWriteNew(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var certificate = Create();
        var bytes = certificate.Export(X509ContentType.Pkcs12);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temporary, options)) file.Write(bytes);
        try
        {
            // Two silos starting at once from one folder: the first move wins and both then load the same file.
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }

    private static void CheckPermissions(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                    | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & others) != 0)
            throw new ClusterCertificateException(
                $"{path} is readable or writable by other users (mode {Convert.ToString((int)mode, 8)}): whoever reads it can join the cluster. Run: chmod 600 {path}");
    }
}

/// <summary>The cluster certificate file cannot be used; the message says why and what to do.</summary>
public sealed class ClusterCertificateException(string message, Exception? inner = null) : Exception(message, inner);
