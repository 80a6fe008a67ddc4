using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using Xunit;

namespace OpenLedger.Tests.Support;

/// <summary>
/// A real PostgreSQL server for the test run: a fresh cluster (initdb) in a temporary directory, listening on a free
/// port on 127.0.0.1 (and a unix socket in the same directory), tuned for speed (fsync off), removed on dispose.
/// PostgreSQL refuses to run as root, so when the tests run as root the server runs as the <c>postgres</c> system
/// user (or <c>nobody</c>). Share it through <see cref="PostgresCollection"/>.
/// </summary>
public sealed partial class PostgresServerFixture : IAsyncLifetime
{
    /// <summary>Where Debian/Ubuntu install the server binaries, one folder per major version.</summary>
    private const string DebianPostgresRoot = "/usr/lib/postgresql";

    /// <summary>Overrides the folder of initdb/pg_ctl/postgres.</summary>
    private const string BinDirectoryVariable = "OPENLEDGER_PG_BIN";

    private const string MissingBinariesMessage =
        "PostgreSQL server binaries not found: install with `apt-get install postgresql` (Debian)";

    private const string Superuser = "postgres";

    private string? _root;
    private string? _dataDirectory;
    private string? _binDirectory;
    private string? _runAsUser;

    /// <summary>Connection string of the server's <c>postgres</c> database, as the superuser.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The TCP port the server listens on (127.0.0.1).</summary>
    public int Port { get; private set; }

    /// <summary>The server's major version folder in use, e.g. <c>/usr/lib/postgresql/15/bin</c>.</summary>
    public string BinDirectory => _binDirectory ?? throw new InvalidOperationException("The server has not been started.");

    public async Task InitializeAsync()
    {
        _binDirectory = FindBinDirectory();
        _runAsUser = Environment.IsPrivilegedProcess ? PickUnprivilegedUser() : null;

        _root = Path.Combine(Path.GetTempPath(), "openledger-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_root);
        if (_runAsUser is not null)
        {
            await RunAsync("chown", [_runAsUser, _root], runAsServerUser: false).ConfigureAwait(false);
        }
        _dataDirectory = Path.Combine(_root, "data");

        await RunAsync(
            Path.Combine(_binDirectory, "initdb"),
            ["-D", _dataDirectory, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            runAsServerUser: true).ConfigureAwait(false);

        // A port picked as free may be taken before the server binds it; try a few.
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = FreeTcpPort();
            try
            {
                await StartServerAsync().ConfigureAwait(false);
                last = null;
                break;
            }
            catch (InvalidOperationException e)
            {
                last = e;
            }
        }
        if (last is not null)
        {
            throw last;
        }

        ConnectionString = BuildConnectionString("postgres");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    /// <param name="name">Letters, digits and underscores; unique within the test run.</param>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"Database name '{name}' must be 1-63 letters, digits or underscores, starting with a letter.", nameof(name));
        }
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'";
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        return BuildConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (_dataDirectory is not null && File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
            {
                await RunAsync(
                    Path.Combine(BinDirectory, "pg_ctl"),
                    ["-D", _dataDirectory, "-m", "fast", "-w", "-t", "30", "stop"],
                    runAsServerUser: true).ConfigureAwait(false);
            }
        }
        finally
        {
            if (_root is not null && Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    private async Task StartServerAsync()
    {
        var options = string.Join(' ',
            "-c listen_addresses=127.0.0.1",
            $"-p {Port.ToString(CultureInfo.InvariantCulture)}",
            $"-k {_root}",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=200",
            "-c shared_buffers=64MB",
            "-c dynamic_shared_memory_type=mmap");
        var log = Path.Combine(_root!, "server.log");
        try
        {
            await RunAsync(
                Path.Combine(BinDirectory, "pg_ctl"),
                ["-D", _dataDirectory!, "-o", options, "-l", log, "-w", "-t", "60", "start"],
                runAsServerUser: true).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(no server log)";
            throw new InvalidOperationException($"{e.Message}\nServer log:\n{tail}", e);
        }
    }

    private string BuildConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Database = database,
        Pooling = true,
        MaxPoolSize = 50,
        Timeout = 30,
    }.ConnectionString;

    private static string FindBinDirectory()
    {
        var overridden = Environment.GetEnvironmentVariable(BinDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            return HasServerBinaries(overridden)
                ? overridden
                : throw new InvalidOperationException($"{MissingBinariesMessage} ({BinDirectoryVariable}={overridden} lacks initdb, pg_ctl or postgres)");
        }
        if (!Directory.Exists(DebianPostgresRoot))
        {
            throw new InvalidOperationException(MissingBinariesMessage);
        }
        // Newest major version first: folders are named 13, 14, 15, ... (or 9.6).
        var newest = Directory.GetDirectories(DebianPostgresRoot)
            .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: Version.TryParse(VersionText(Path.GetFileName(dir)), out var v) ? v : null))
            .Where(candidate => candidate.Version is not null && HasServerBinaries(candidate.Dir))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Dir)
            .FirstOrDefault();
        return newest ?? throw new InvalidOperationException(MissingBinariesMessage);

        static string VersionText(string folder) => folder.Contains('.') ? folder : folder + ".0";
    }

    private static bool HasServerBinaries(string dir) =>
        File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "postgres"));

    /// <summary>The existing <c>postgres</c> system user if there is one, else <c>nobody</c>.</summary>
    private static string PickUnprivilegedUser() =>
        File.ReadLines("/etc/passwd").Any(line => line.StartsWith("postgres:", StringComparison.Ordinal)) ? "postgres" : "nobody";

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a program to completion; as the unprivileged server user when asked and running as root.</summary>
    private async Task RunAsync(string program, IReadOnlyList<string> arguments, bool runAsServerUser)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root ?? Path.GetTempPath(),
        };
        if (runAsServerUser && _runAsUser is not null)
        {
            // runuser (util-linux) switches user without a password or PAM session when run by root.
            start.FileName = File.Exists("/usr/sbin/runuser") ? "/usr/sbin/runuser" : "runuser";
            foreach (var argument in new[] { "-u", _runAsUser, "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = program;
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Keep the server's messages in English and free of the caller's locale.
        start.Environment["LC_ALL"] = "C";
        start.Environment.Remove("PGDATA");
        start.Environment.Remove("PGPORT");

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        // pg_ctl start leaves the server running with our pipes' write ends closed (it redirects to -l), so reading
        // to the end completes once pg_ctl itself exits.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Describe(start)} timed out.");
        }
        if (process.ExitCode != 0)
        {
            var output = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"{Describe(start)} exited with code {process.ExitCode}.")
                .AppendLine(await stdout.ConfigureAwait(false))
                .AppendLine(await stderr.ConfigureAwait(false));
            throw new InvalidOperationException(output.ToString());
        }
    }

    private static string Describe(ProcessStartInfo start) => start.FileName + " " + string.Join(' ', start.ArgumentList);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
