namespace CallCampaigns.Bolna;

/// <summary>Configuration section <c>Simulator</c>: how the built-in call simulator behaves.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>Share of calls a person answers.</summary>
    public double AnswerRate { get; set; } = 0.7;

    /// <summary>Share of unanswered calls that are busy (the rest ring out, and a few fail).</summary>
    public double BusyShare { get; set; } = 0.4;

    /// <summary>Share of unanswered calls that fail outright.</summary>
    public double FailedShare { get; set; } = 0.1;

    /// <summary>Average conversation length, in simulated seconds.</summary>
    public double MeanCallSeconds { get; set; } = 45;

    /// <summary>How much faster than real time simulated calls run (10: a 45 s call takes 4.5 s).</summary>
    public double SpeedFactor { get; set; } = 10;

    /// <summary>Seed for the outcome of each call, so a demo or a test can be replayed.</summary>
    public int Seed { get; set; } = 7;

    /// <summary>Cost of a connected call per minute, in cents.</summary>
    public double CentsPerMinute { get; set; } = 6;
}
