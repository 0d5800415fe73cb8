namespace CallCampaigns.Api.Imports;

/// <summary>Configuration section <c>Imports</c>.</summary>
public sealed class ImportOptions
{
    public const string Section = "Imports";

    /// <summary>Largest CSV file accepted; a larger one is refused whole.</summary>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Rows staged per bulk write.</summary>
    public int BatchSize { get; set; } = 5_000;
}

/// <summary>A file refused whole: nothing of it was written.</summary>
public sealed class RejectedFileException(string message) : Exception(message);
