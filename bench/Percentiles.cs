using System.Globalization;

namespace CallCampaigns.Bench;

/// <summary>Summary figures of a set of measurements, in milliseconds.</summary>
internal static class Percentiles
{
    public static string Describe(IReadOnlyCollection<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return string.Create(CultureInfo.InvariantCulture,
            $"n={sorted.Length}  p50={At(0.50):F1} ms  p90={At(0.90):F1} ms  p99={At(0.99):F1} ms  max={sorted[^1]:F1} ms  mean={sorted.Average():F1} ms");
    }
}
