namespace CallCampaigns.Domain.Imports;

/// <summary>Where an import stands: running (rows read so far are counted), then done or failed.</summary>
public static class ImportStatus
{
    /// <summary>Reading, checking and staging the file, or joining it.</summary>
    public const string Running = "running";

    /// <summary>Whole: its contacts and items are written.</summary>
    public const string Done = "done";

    /// <summary>Stopped before it was whole (a refused file, an error, a node that died): none of its rows joined.</summary>
    public const string Failed = "failed";

    /// <summary>
    /// How long a running import may go without saying how far it has come before it counts as failed: its node died
    /// (it says so after every batch of rows, and a join of a million rows takes well under this).
    /// </summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(5);

    /// <summary>The status a reader is told: a running import that has been silent for <see cref="AbandonedAfter"/> has failed.</summary>
    public static string Of(string stored, DateTimeOffset? lastWord, DateTimeOffset now) =>
        stored == Running && lastWord is { } at && now - at > AbandonedAfter ? Failed : stored;
}
