namespace CallCampaigns.Domain.Concurrency;

/// <summary>
/// Fair turns among those who want something: each turn goes to the waiting member served least recently
/// (one never served before comes first, in the order they started waiting, or in <c>newcomerOrder</c> when one is
/// given). With 10 turns and A, B and C each wanting 5, the turns go A, B, C, A, B, C, A, B, C, A: 4, 3 and 3.
/// </summary>
public sealed class RoundRobin<TKey>(IComparer<TKey>? newcomerOrder = null)
    where TKey : notnull
{
    private readonly Dictionary<TKey, Member> _members = [];
    private long _clock;

    /// <summary>How many turns <paramref name="key"/> wants now.</summary>
    public int WantedBy(TKey key) => _members.TryGetValue(key, out var member) ? member.Wanted : 0;

    public int TotalWanted => _members.Values.Sum(m => m.Wanted);

    /// <summary>Sets how many turns <paramref name="key"/> wants now (0 or less: none).</summary>
    public void Want(TKey key, int wanted)
    {
        var member = _members.TryGetValue(key, out var known) ? known : new Member();
        if (member.Wanted <= 0 && wanted > 0) member.WaitingSince = ++_clock;
        member.Wanted = Math.Max(wanted, 0);
        _members[key] = member;
    }

    /// <summary>The member whose turn it is among those <paramref name="eligible"/>, without serving it.</summary>
    public bool TryPeek(Func<TKey, bool> eligible, out TKey key)
    {
        var found = false;
        key = default!;
        Member best = default;
        foreach (var (candidate, member) in _members)
        {
            if (member.Wanted <= 0 || !eligible(candidate)) continue;
            if (!found || Before(candidate, member, key, best))
            {
                (found, key, best) = (true, candidate, member);
            }
        }

        return found;
    }

    public bool TryPeek(out TKey key) => TryPeek(static _ => true, out key);

    /// <summary>Records that <paramref name="key"/> had a turn.</summary>
    public void Served(TKey key)
    {
        if (!_members.TryGetValue(key, out var member)) return;
        member.Wanted = Math.Max(member.Wanted - 1, 0);
        member.LastServed = ++_clock;
        _members[key] = member;
    }

    /// <summary>
    /// Gives <paramref name="key"/> one of what it wants outside the turns: it counts against its want, not as its
    /// turn, so its place among the others is the one it had.
    /// </summary>
    public void GaveAside(TKey key)
    {
        if (!_members.TryGetValue(key, out var member)) return;
        member.Wanted = Math.Max(member.Wanted - 1, 0);
        _members[key] = member;
    }

    /// <summary>Hands out <paramref name="turns"/> turns in order; returns how many each member got.</summary>
    public IReadOnlyDictionary<TKey, int> Allocate(int turns)
    {
        var given = new Dictionary<TKey, int>();
        for (var i = 0; i < turns && TryPeek(out var key); i++)
        {
            Served(key);
            given[key] = given.GetValueOrDefault(key) + 1;
        }

        return given;
    }

    private bool Before(TKey candidate, Member member, TKey best, Member other)
    {
        if (member.LastServed != other.LastServed) return member.LastServed < other.LastServed;
        if (member.LastServed == 0 && newcomerOrder is not null) return newcomerOrder.Compare(candidate, best) < 0;
        return member.WaitingSince < other.WaitingSince;
    }

    private struct Member
    {
        public int Wanted;
        public long LastServed;
        public long WaitingSince;
    }
}
