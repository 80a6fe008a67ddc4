namespace OpenLedger.Cli.CommandLine;

/// <summary>Where a node on this machine keeps the files a client verb may read: its data directory
/// (<c>--data-dir</c>, <c>OPENLEDGER_DATA_DIR</c>, default <c>./data</c>) and the operator token (<c>--operator-token
/// FILE</c>, <c>OPENLEDGER_OPERATOR_TOKEN_FILE</c>, default <c>operator.token</c> in the data directory). The node reads
/// the same options through these, so both find the same file.</summary>
public static class LocalNodeFiles
{
    public const string OperatorTokenFileName = "operator.token";

    public static string DataDirectory(Args args) => args.PathOrEnvironment("data-dir", "OPENLEDGER_DATA_DIR") ?? Path.GetFullPath("data");

    /// <summary>The operator token file given explicitly; null for the data directory's.</summary>
    public static string? OperatorTokenFile(Args args) => args.PathOrEnvironment("operator-token", "OPENLEDGER_OPERATOR_TOKEN_FILE");

    public static string OperatorTokenPath(string? operatorTokenFile, string dataDirectory) =>
        operatorTokenFile ?? Path.Combine(dataDirectory, OperatorTokenFileName);

    public static string OperatorTokenPath(Args args) => OperatorTokenPath(OperatorTokenFile(args), DataDirectory(args));
}
