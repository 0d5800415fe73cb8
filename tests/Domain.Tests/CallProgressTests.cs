namespace CallCampaigns.Domain.Tests;

public sealed class CallProgressTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static AttemptState Fresh => new("queued", 1, null, false, false);

    private static CallUpdate Report(string status, int seconds = 0, double? conversation = null) =>
        CallUpdate.OfStatus("exec-1", status) with { ProviderUpdatedAt = T0.AddSeconds(seconds), ConversationSeconds = conversation };

    private static AttemptState After(AttemptState state, ProgressDecision decision) =>
        new(decision.Status, decision.Rank, decision.ProviderUpdatedAt, decision.SawInProgress, state.LineEnded || decision.LineEndsNow);

    [Fact]
    public void A_status_never_moves_backwards()
    {
        var ended = After(Fresh, CallProgress.Decide(Fresh, Report("call-disconnected", 10))!);
        Assert.Null(CallProgress.Decide(ended, Report("ringing", 11)));
        Assert.Null(CallProgress.Decide(ended, Report("in-progress", 12)));
    }

    [Fact]
    public void A_repeated_webhook_changes_nothing()
    {
        var answered = After(Fresh, CallProgress.Decide(Fresh, Report("in-progress", 5))!);
        Assert.Null(CallProgress.Decide(answered, Report("in-progress", 5)));
    }

    [Fact]
    public void The_line_ends_once_at_call_disconnected_and_completed_only_finalises()
    {
        var answered = After(Fresh, CallProgress.Decide(Fresh, Report("in-progress", 5))!);
        var disconnected = CallProgress.Decide(answered, Report("call-disconnected", 30))!;
        Assert.True(disconnected.LineEndsNow);
        Assert.False(disconnected.FinalNow);
        Assert.True(disconnected.Connected);

        var completed = CallProgress.Decide(After(answered, disconnected), Report("completed", 200, 25))!;
        Assert.False(completed.LineEndsNow);
        Assert.True(completed.FinalNow);
    }

    [Fact]
    public void A_completed_call_that_never_connected_is_not_a_success()
    {
        var decision = CallProgress.Decide(Fresh, Report("completed", 20, 0))!;
        Assert.True(decision.LineEndsNow);
        Assert.False(decision.Connected);
    }

    [Fact]
    public void A_conversation_duration_shows_a_connection_even_when_in_progress_was_missed() =>
        Assert.True(CallProgress.Decide(Fresh, Report("completed", 20, 12.5))!.Connected);

    [Fact]
    public void Unknown_statuses_are_ignored() => Assert.Null(CallProgress.Decide(Fresh, Report("teleported")));

    [Theory]
    [InlineData("cancelled", "canceled")]
    [InlineData("balance_low", "balance-low")]
    [InlineData(" Completed ", "completed")]
    public void Bolna_spellings_are_read_alike(string sent, string expected) => Assert.Equal(expected, CallStatus.Normalise(sent));

    [Fact]
    public void An_unconnected_line_end_fails_the_item_or_queues_it_again_when_a_retry_is_allowed()
    {
        var busy = CallProgress.Decide(Fresh with { Status = "ringing", Rank = 3 }, Report("busy", 5))!;
        Assert.Equal(ItemStatus.Failed, ItemProgress.NextStatus(ItemStatus.Dialing, true, busy, retryAllowed: false));
        Assert.Equal(ItemStatus.Queued, ItemProgress.NextStatus(ItemStatus.Dialing, true, busy, retryAllowed: true));
        Assert.Null(ItemProgress.NextStatus(ItemStatus.Dialing, isCurrentAttempt: false, busy, retryAllowed: true));
    }

    [Fact]
    public void The_summary_names_only_the_fields_the_contact_has() =>
        Assert.Equal("name: Asha, company: Acme, transcript_summary: Wants a demo",
            ContactSummary.Build("Asha", null, "Acme", null, "Wants a demo"));

    [Fact]
    public void Retries_happen_only_for_chosen_outcomes_and_up_to_the_maximum()
    {
        var policy = new RetryPolicy(3, 10, ["busy", "no-answer"]);
        Assert.True(policy.AllowsRetry(1, "busy"));
        Assert.False(policy.AllowsRetry(3, "busy"));
        Assert.False(policy.AllowsRetry(1, "failed"));
    }
}
