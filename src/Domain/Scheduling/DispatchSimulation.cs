using CallCampaigns.Domain.Concurrency;

namespace CallCampaigns.Domain.Scheduling;

/// <summary>
/// A queued item as the simulation sees it: <see cref="DialableFrom"/> is the gate's answer at an instant, the
/// earliest moment at or after it that the item may be dialled (the instant itself when it may be dialled then;
/// null: never). The simulation asks again at each instant it considers, since a window that is open now can close
/// again before a slot comes.
/// </summary>
public sealed record SimulatedItem(long Id, Func<DateTimeOffset, DateTimeOffset?> DialableFrom);

/// <summary>
/// A running campaign: its queued items in dispatch order (a head of its queue), how long its calls hold a slot, and
/// when each of its calls in flight started. <see cref="Unseen"/> more items wait behind the head without having been
/// read; each is taken to be dialable when <see cref="UnseenDialableFrom"/> says (by default at once).
/// </summary>
public sealed record SimulatedCampaign(
    long Id, IReadOnlyList<SimulatedItem> Items, TimeSpan CallLength, IReadOnlyList<DateTimeOffset> InFlightSince,
    int Unseen = 0, Func<DateTimeOffset, DateTimeOffset?>? UnseenDialableFrom = null);

/// <summary>A user competing for the system's slots: its own limit and its campaigns, in their round-robin order.</summary>
public sealed record SimulatedUser(string Id, int Limit, IReadOnlyList<SimulatedCampaign> Campaigns);

/// <summary>
/// What the simulation found: each simulated item's start (absent: never dialled within the simulation), and per
/// campaign how many of its items were dialled, when the first and last of them started and when its last call
/// (those in flight included) should end.
/// </summary>
public sealed record DispatchOutcome(
    IReadOnlyDictionary<long, DateTimeOffset> Starts, IReadOnlyDictionary<long, CampaignRun> Campaigns);

/// <summary>One campaign's part of a <see cref="DispatchOutcome"/>; <see cref="Exhausted"/>: no item of its head is left waiting.</summary>
public sealed record CampaignRun(int Dialled, DateTimeOffset? FirstStart, DateTimeOffset? LastStart, DateTimeOffset? LastEnd, bool Exhausted);

/// <summary>
/// The dispatch replayed ahead of time, as the grains do it: when a slot frees, the system hands it to the waiting
/// user served least recently (<see cref="RoundRobin{TKey}"/>, as <c>SystemConcurrencyGrain</c>) that is under its
/// own limit and has a campaign with an item the gate lets through; the user hands it to its next such campaign (as
/// <c>UserGrain</c>), and the campaign dials its first dialable item in dispatch order (as <c>CampaignGrain</c>).
/// Slots are whole: two slots among three campaigns go in rounds (two calls, then the third and one of the first),
/// not at two thirds of the speed each. Every call holds its slot for its campaign's call length; a call in flight
/// frees its slot one call length after it started (now, if that has passed); calls that end together free their
/// slots one at a time, in the order they were placed, each handed on before the next. With more calls in flight than a
/// limit allows (it was lowered), a freed slot goes on only once the calls are back under it.
/// Who is served first is not known (the grains' cursors are not in the ledger): users and campaigns are taken in
/// the order given, which the caller makes "longest without a call first".
/// The work is bounded: the simulation ends when the focus campaign's head is done (or never can be), after
/// <see cref="MaxEvents"/> events, or after <see cref="Horizon"/>; what it has not reached is absent from the starts.
/// </summary>
public static class DispatchSimulation
{
    /// <summary>How many moments (a call ending, an item becoming dialable) one simulation visits at most.</summary>
    public const int MaxEvents = 200_000;

    /// <summary>How far ahead of now the simulation looks at most.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(400);

    /// <param name="systemLimit">Slots for the whole system.</param>
    /// <param name="users">Every user with calls in flight or work waiting, in their round-robin order.</param>
    /// <param name="now">The moment the simulation starts at.</param>
    /// <param name="focus">The campaign whose items are wanted: the simulation stops once its head is done.</param>
    public static DispatchOutcome Run(int systemLimit, IReadOnlyList<SimulatedUser> users, DateTimeOffset now, long focus)
    {
        var state = new Replay(users, now);
        var until = now + Horizon;
        var t = now;
        for (var events = 0; events < MaxEvents && t <= until; events++)
        {
            while (state.ReleaseOne(t)) state.Distribute(systemLimit, t);
            state.Distribute(systemLimit, t);
            if (!state.Lanes.TryGetValue(focus, out var lane) || lane.Done) break;
            if (state.NextMoment(systemLimit, t) is not { } next) break;
            t = next;
        }

        return state.Outcome();
    }

    /// <summary>The simulation's moving parts: users and campaigns in round robin, calls holding slots.</summary>
    private sealed class Replay
    {
        private readonly Dictionary<string, (int Limit, RoundRobin<long> Campaigns, List<Lane> Lanes)> _users = [];
        private readonly RoundRobin<string> _turns = new();
        /// <summary>Calls in flight by their end; those ending together in the order they were placed.</summary>
        private readonly PriorityQueue<(string User, Lane Lane), (DateTimeOffset End, DateTimeOffset Since, long Order)> _calls = new();
        private readonly Dictionary<string, int> _inFlight = [];
        private readonly Dictionary<long, DateTimeOffset> _starts = [];
        private int _systemInFlight;
        private long _order;

        public Replay(IReadOnlyList<SimulatedUser> users, DateTimeOffset now)
        {
            // Wanting "forever": the round robin then orders by who was served least recently, as the grains' do; who
            // has nothing dialable is skipped by eligibility, not by giving up its place.
            const int Always = int.MaxValue / 2;
            foreach (var user in users)
            {
                var campaigns = new RoundRobin<long>();
                var lanes = new List<Lane>();
                foreach (var campaign in user.Campaigns)
                {
                    var lane = new Lane(campaign, now);
                    Lanes[campaign.Id] = lane;
                    lanes.Add(lane);
                    campaigns.Want(campaign.Id, Always);
                    foreach (var since in campaign.InFlightSince)
                    {
                        var end = since + campaign.CallLength;
                        Call(user.Id, lane, since, end < now ? now : end);
                        lane.Extend(end < now ? now : end);
                    }
                }

                _users[user.Id] = (user.Limit, campaigns, lanes);
                _inFlight[user.Id] = user.Campaigns.Sum(c => c.InFlightSince.Count);
                _systemInFlight += _inFlight[user.Id];
                _turns.Want(user.Id, Always);
            }
        }

        public Dictionary<long, Lane> Lanes { get; } = [];

        /// <summary>
        /// Frees the slot of the first call that has ended by <paramref name="t"/>, if any. Calls that end together
        /// free their slots one at a time, in the order they were placed, each slot handed on before the next is
        /// freed, as their line ends reach the grains one by one.
        /// </summary>
        public bool ReleaseOne(DateTimeOffset t)
        {
            if (!_calls.TryPeek(out var call, out var end) || end.End > t) return false;
            _calls.Dequeue();
            _inFlight[call.User]--;
            _systemInFlight--;
            return true;
        }

        /// <summary>Hands out the free slots at <paramref name="t"/> one at a time, in round-robin order.</summary>
        /// <remarks>
        /// The calls start in the order the grains place them: the slots handed out together go to each user in one
        /// message (users in the order of their first slot), and each user passes them on to each campaign in one
        /// (in the same order), so the calls end, and free their slots, in that order.
        /// </remarks>
        public void Distribute(int systemLimit, DateTimeOffset t)
        {
            var given = new List<(string User, Lane Lane)>();
            while (_systemInFlight < systemLimit && _turns.TryPeek(user => HasRoom(user) && Wants(user, t), out var userId))
            {
                var (_, campaigns, _) = _users[userId];
                campaigns.TryPeek(id => Lanes[id].FirstDialable(t) is not null, out var campaignId);
                var lane = Lanes[campaignId];
                var itemId = lane.Dial(t);
                if (itemId is { } id) _starts[id] = t;
                _turns.Served(userId);
                campaigns.Served(campaignId);
                given.Add((userId, lane));
                _inFlight[userId]++;
                _systemInFlight++;
            }

            foreach (var call in given.GroupBy(call => call.User).SelectMany(user => user.GroupBy(call => call.Lane)).SelectMany(lane => lane))
            {
                Call(call.User, call.Lane, t, t + call.Lane.CallLength);
            }
        }

        /// <summary>
        /// The next moment anything can change: a call ending, or (with a slot free) an item becoming dialable for a
        /// user with room. Null: nothing will.
        /// </summary>
        public DateTimeOffset? NextMoment(int systemLimit, DateTimeOffset t)
        {
            DateTimeOffset? next = _calls.TryPeek(out _, out var end) ? end.End : null;
            if (_systemInFlight >= systemLimit) return next;
            foreach (var (userId, (_, _, lanes)) in _users)
            {
                if (!HasRoom(userId)) continue;
                foreach (var lane in lanes)
                {
                    if (lane.NextDialable(t) is { } at && (next is null || at < next)) next = at;
                }
            }

            return next;
        }

        public DispatchOutcome Outcome() =>
            new(_starts, Lanes.ToDictionary(pair => pair.Key, pair => pair.Value.Run()));

        private void Call(string userId, Lane lane, DateTimeOffset since, DateTimeOffset end) => _calls.Enqueue((userId, lane), (end, since, ++_order));

        private bool HasRoom(string userId) => _inFlight[userId] < _users[userId].Limit;

        private bool Wants(string userId, DateTimeOffset t) => _users[userId].Lanes.Exists(lane => lane.FirstDialable(t) is not null);
    }

    /// <summary>
    /// One campaign's queue in the simulation: what the gate last said of each item (held until when), so items are
    /// asked again only once that moment has come.
    /// </summary>
    private sealed class Lane(SimulatedCampaign campaign, DateTimeOffset now)
    {
        private readonly DateTimeOffset?[] _from = campaign.Items.Select(_ => (DateTimeOffset?)now).ToArray();
        private readonly DateTimeOffset[] _askedAt = campaign.Items.Select(_ => DateTimeOffset.MinValue).ToArray();
        private readonly bool[] _taken = new bool[campaign.Items.Count];
        private int _head;
        private int _unseen = campaign.Unseen;
        private DateTimeOffset? _unseenFrom = now;
        private DateTimeOffset _unseenAskedAt = DateTimeOffset.MinValue;
        private int _dialled;
        private DateTimeOffset? _firstStart;
        private DateTimeOffset? _lastStart;
        private DateTimeOffset? _lastEnd;

        public TimeSpan CallLength => campaign.CallLength;

        /// <summary>True when no item of the head is left that may still be dialled.</summary>
        public bool Done
        {
            get
            {
                // The gate's "never" is for good, so the head moves past such items as past those taken.
                while (_head < _from.Length && (_taken[_head] || _from[_head] is null)) _head++;
                return _head == _from.Length;
            }
        }

        /// <summary>The index of the first item dialable at <paramref name="t"/> (-1: an unseen one); null: none.</summary>
        public int? FirstDialable(DateTimeOffset t)
        {
            for (var i = _head; i < _from.Length; i++)
            {
                if (_taken[i] || _from[i] is not { } from || from > t) continue;
                if (_askedAt[i] != t) (_from[i], _askedAt[i]) = (campaign.Items[i].DialableFrom(t), t);
                if (_from[i] == t) return i;
            }

            if (_unseen <= 0 || _unseenFrom is not { } next || next > t) return null;
            if (_unseenAskedAt != t) (_unseenFrom, _unseenAskedAt) = (campaign.UnseenDialableFrom is { } ask ? ask(t) : t, t);
            return _unseenFrom == t ? -1 : null;
        }

        /// <summary>The earliest moment after <paramref name="t"/> an item may become dialable, as far as the gate said.</summary>
        public DateTimeOffset? NextDialable(DateTimeOffset t)
        {
            if (FirstDialable(t) is not null) return t;
            DateTimeOffset? next = _unseen > 0 ? _unseenFrom : null;
            for (var i = _head; i < _from.Length; i++)
            {
                if (!_taken[i] && _from[i] is { } from && (next is null || from < next)) next = from;
            }

            return next;
        }

        /// <summary>Dials the first dialable item at <paramref name="t"/>; returns its id (null: an unseen one).</summary>
        public long? Dial(DateTimeOffset t)
        {
            var index = FirstDialable(t) ?? throw new InvalidOperationException("Nothing is dialable.");
            _dialled++;
            _firstStart ??= t;
            _lastStart = t;
            Extend(t + CallLength);
            if (index < 0)
            {
                _unseen--;
                return null;
            }

            _taken[index] = true;
            while (_head < _taken.Length && _taken[_head]) _head++;
            return campaign.Items[index].Id;
        }

        /// <summary>Notes a call of this campaign that ends at <paramref name="end"/>.</summary>
        public void Extend(DateTimeOffset end)
        {
            if (_lastEnd is null || end > _lastEnd) _lastEnd = end;
        }

        public CampaignRun Run() => new(_dialled, _firstStart, _lastStart, _lastEnd, Done);
    }
}
