using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CallCampaigns.Silo;

/// <summary>
/// The admin key, the webhook secret and the demo user's key. Configuration wins; in the embedded default what is
/// not configured is generated once and kept in the data folder, so a restart keeps working with the same keys.
/// </summary>
public sealed record NodeSecrets(string AdminKey, string WebhookSecret, string? DemoUserKey, bool GeneratedNow, string? File)
{
    public static NodeSecrets Resolve(NodeMode mode, AuthOptions auth, string? webhookSecret, bool demoUser)
    {
        if (mode.IsCluster)
        {
            if (string.IsNullOrWhiteSpace(auth.AdminKey) || string.IsNullOrWhiteSpace(webhookSecret))
            {
                throw new InvalidOperationException(
                    "Cluster mode needs Auth__AdminKey and Bolna__WebhookSecret: every node must share them.");
            }

            return new NodeSecrets(auth.AdminKey, webhookSecret, demoUser ? auth.DemoUserKey ?? Generate("cc_demo_") : null, false, null);
        }

        var file = Path.Combine(mode.DataPath, "secrets.json");
        var stored = System.IO.File.Exists(file) ? JsonSerializer.Deserialize<Stored>(System.IO.File.ReadAllText(file)) : null;
        var generatedNow = stored is null;
        stored ??= new Stored(Generate("cc_admin_"), Generate("whs_"), Generate("cc_demo_"));
        if (generatedNow)
        {
            Directory.CreateDirectory(mode.DataPath);
            System.IO.File.WriteAllText(file, JsonSerializer.Serialize(stored));
            if (!OperatingSystem.IsWindows()) System.IO.File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return new NodeSecrets(
            auth.AdminKey ?? stored.AdminKey,
            webhookSecret ?? stored.WebhookSecret,
            demoUser ? auth.DemoUserKey ?? stored.DemoUserKey : null,
            generatedNow,
            file);
    }

    /// <summary>True when <paramref name="key"/> is the admin key (compared as hashes, in constant time).</summary>
    public bool IsAdminKey(string key) => CryptographicOperations.FixedTimeEquals(
        Encoding.ASCII.GetBytes(Hash(key)), Encoding.ASCII.GetBytes(Hash(AdminKey)));

    /// <summary>A key as it is stored: its SHA-256, hex.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string Generate(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', 'x').Replace('/', 'y').TrimEnd('=');

    private sealed record Stored(string AdminKey, string WebhookSecret, string DemoUserKey);
}
