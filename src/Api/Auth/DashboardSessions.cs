using System.Collections.Concurrent;
using CallCampaigns.Domain;
using CallCampaigns.Silo;

namespace CallCampaigns.Api.Auth;

/// <summary>
/// The dashboard's sign-ins on this node: a random session id for the cookie (never the admin key), kept here hashed
/// with its expiry. A node restart signs everyone out; in a cluster, each node knows its own sessions.
/// </summary>
public sealed class DashboardSessions(EngineClock time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private const int MaxSessions = 1_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);

    /// <summary>A new session's id, valid for <see cref="Lifetime"/>.</summary>
    public string Start()
    {
        var now = time.GetUtcNow();
        if (_sessions.Count >= MaxSessions)
        {
            foreach (var (hash, expires) in _sessions)
            {
                if (expires <= now) _sessions.TryRemove(hash, out _);
            }
        }

        var id = NodeSecrets.Generate("ds_");
        _sessions[NodeSecrets.Hash(id)] = now + Lifetime;
        return id;
    }

    /// <summary>True when <paramref name="id"/> is a session started here that has not expired.</summary>
    public bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 200 || !_sessions.TryGetValue(NodeSecrets.Hash(id), out var expires)) return false;
        if (expires > time.GetUtcNow()) return true;
        _sessions.TryRemove(NodeSecrets.Hash(id), out _);
        return false;
    }
}
