using System.Text.Json.Nodes;
using CallCampaigns.Bolna;
using CallCampaigns.Domain.Calls;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Integration.Tests.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace CallCampaigns.Integration.Tests.Calls;

/// <summary>
/// A dial whose answer never reaches its campaign on a node that stays up (no time-out, no 5xx: the answer is simply
/// gone): after <c>Engine__DialAnswerTimeout</c> (5 min) the search of Bolna's executions settles it, and nobody is
/// called twice. On the engine's clock, which starts at the real time: the fake Bolna dates its calls by the real one.
/// </summary>
public sealed class LostDialAnswerTests
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_placed_call_whose_answer_never_came_is_found_among_Bolnas_executions_after_five_minutes_and_completes_with_one_dial()
    {
        await using var test = await OneContact.StartAsync(sendsTheDial: true);
        var node = test.Node;
        await node.DialsAsync(1);
        var waiting = await test.ItemAsync();
        Assert.Equal("dialing", (string?)waiting["status"]);
        Assert.Null(waiting["callId"]);

        node.Clock.SetUtcNow(test.Start + AnswerTimeout + TimeSpan.FromSeconds(1));
        var item = await test.CompletedAsync();
        Assert.Equal(node.Bolna.Calls[0].ExecutionId, (string?)item["callId"]);
        Assert.Equal(1, node.Bolna.Searches);

        // The answer comes after all, long after: it changes nothing.
        test.Dialer.Release();
        await node.WakeAsync(test.Campaign);
        Assert.Equal("completed", (string?)(await test.ItemAsync())["status"]);
        Assert.Single(node.Bolna.Calls);
        Assert.Equal(0, await test.ActiveCallsAsync());
    }

    [Fact]
    public async Task A_dial_held_up_past_the_answer_timeout_is_not_sent_and_its_contact_is_dialled_once_afterwards()
    {
        await using var test = await OneContact.StartAsync(sendsTheDial: false);
        var node = test.Node;
        node.Clock.SetUtcNow(test.Start + AnswerTimeout + TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(async () => (string?)(await test.ItemAsync())["waitingReason"]?["code"] == "dial-unknown");
        Assert.Empty(node.Bolna.Calls);

        // The held-up dial reaches its turn now: it is withdrawn, the item goes back uncounted and is dialled once.
        test.Dialer.Release();
        var item = await test.CompletedAsync();
        Assert.Equal(1, item["attempts"]!.GetValue<int>());
        Assert.Equal(2, test.Dialer.Dials); // the held one, withdrawn at its last check, and the one that placed the call
        Assert.Single(node.Bolna.Calls);
    }

    [Fact]
    public async Task A_searchs_late_no_call_for_an_attempt_dialled_again_since_leaves_the_new_dial_and_its_slot_alone()
    {
        await using var test = await OneContact.StartAsync(sendsTheDial: true);
        var node = test.Node;
        var item = await test.ItemAsync();

        // A search for the same attempt's earlier dial (put back since, and claimed again: the dial now under way),
        // or a second copy of one, answers "no call" while this dial's answer is still on its way.
        await node.Node.Services.GetRequiredService<IGrainFactory>().GetGrain<ICampaignGrain>(test.Campaign)
            .DialResolved(item["id"]!.GetValue<long>(), item["attempts"]!.GetValue<int>(), DialResolution.NoCall);
        Assert.Equal("dialing", (string?)(await test.ItemAsync())["status"]);
        Assert.Equal(1, await test.ActiveCallsAsync());

        test.Dialer.Release();
        await test.CompletedAsync();
        Assert.Single(node.Bolna.Calls);
    }

    /// <summary>
    /// A node whose first dial's answer is held (<see cref="FirstAnswerLost"/>), and a campaign of one contact whose
    /// first dial is held by the time this is started. Calls end by themselves; their webhooks wait in the inbox for
    /// the dial's answer. Disposing releases the held dial first: the node's stop would wait for it.
    /// </summary>
    private sealed class OneContact(ScheduledNode node, FirstAnswerLost dialer, DateTimeOffset start) : IAsyncDisposable
    {
        private long _contact;

        public ScheduledNode Node { get; } = node;

        public FirstAnswerLost Dialer { get; } = dialer;

        public DateTimeOffset Start { get; } = start;

        public long Campaign { get; private set; }

        public static async Task<OneContact> StartAsync(bool sendsTheDial)
        {
            var start = DateTimeOffset.UtcNow;
            var dialer = new FirstAnswerLost(sendsTheDial);
            var test = new OneContact(await ScheduledNode.StartAsync(start, services: dialer.Install), dialer, start);
            try
            {
                test.Node.Held.HangUpAll();
                test._contact = await test.Node.ContactAsync("Meera");
                test.Campaign = await test.Node.CampaignAsync(new
                {
                    agentId = FakeBolna.AgentId, firstCallTime = "00:00", lastCallTime = "00:00", pacing = "asap", contactIds = new[] { test._contact },
                });
                await dialer.Held.Task;
                return test;
            }
            catch
            {
                await test.DisposeAsync();
                throw;
            }
        }

        public Task<JsonObject> ItemAsync() => Node.ItemAsync(Campaign, _contact);

        public async Task<JsonObject> CompletedAsync()
        {
            await Node.User.WaitForCampaignAsync(Campaign, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(30));
            var item = await ItemAsync();
            Assert.Equal("completed", (string?)item["status"]);
            return item;
        }

        public async Task<int> ActiveCallsAsync()
        {
            using var admin = Node.Node.Admin();
            return (await admin.GetAsync("api/admin/system"))["activeCalls"]!.GetValue<int>();
        }

        public async ValueTask DisposeAsync()
        {
            Dialer.Release();
            await Node.DisposeAsync();
        }
    }

    /// <summary>
    /// The node's dialer, but its first dial's answer is held back until <see cref="Release"/>: with
    /// <c>sendsTheDial</c>, after Bolna placed the call; without, before the dial is even sent (then sent as usual,
    /// its last check and all).
    /// </summary>
    private sealed class FirstAnswerLost(bool sendsTheDial)
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly bool _sendsTheDial = sendsTheDial;
        private int _dials;

        /// <summary>Completed once the first dial is held (after Bolna accepted it, with <c>sendsTheDial</c>).</summary>
        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>How many dials the node asked this dialer to send.</summary>
        public int Dials => Volatile.Read(ref _dials);

        public void Release() => _released.TrySetResult();

        public void Install(IServiceCollection services)
        {
            var product = services.Last(d => d.ServiceType == typeof(IDialer));
            services.Remove(product);
            services.Add(ServiceDescriptor.Describe(
                typeof(IDialer), provider => new Holding(this, (IDialer)product.ImplementationFactory!(provider)), product.Lifetime));
        }

        private sealed class Holding(FirstAnswerLost test, IDialer inner) : IDialer
        {
            public async Task<DialResult> DialAsync(DialRequest request, Func<Task<string?>> whyNot, CancellationToken cancellationToken)
            {
                if (Interlocked.Increment(ref test._dials) > 1) return await inner.DialAsync(request, whyNot, cancellationToken);
                if (!test._sendsTheDial)
                {
                    test.Held.TrySetResult();
                    await test._released.Task;
                    return await inner.DialAsync(request, whyNot, cancellationToken);
                }

                var result = await inner.DialAsync(request, whyNot, cancellationToken);
                test.Held.TrySetResult();
                await test._released.Task;
                return result;
            }

            public Task<bool> StopAsync(string executionId, CancellationToken cancellationToken) => inner.StopAsync(executionId, cancellationToken);

            public Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken) => inner.ListAgentsAsync(cancellationToken);

            public Task<string?> LookupAsync(string executionId, CancellationToken cancellationToken) => inner.LookupAsync(executionId, cancellationToken);

            public Task<DialSearch> SearchExecutionsAsync(string agentId, string phoneNumber, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
                inner.SearchExecutionsAsync(agentId, phoneNumber, from, to, cancellationToken);
        }
    }
}
