using CallCampaigns.Domain.Calls;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;

namespace CallCampaigns.Ledger.Calls;

/// <summary>
/// The SQL that writes one report's effects (<see cref="ProgressWrite"/>): the attempt's stage, the item's move with
/// its campaign's counters, the call's data, the contact's history and the slot's release. Run inside the
/// applier's transaction, beside the delivery's applied mark.
/// </summary>
internal static class ProgressStatements
{
    /// <summary>The write's statements as one SQL text (SQLite runs them as one command).</summary>
    public static string For(LedgerDatabase database, ProgressWrite write) => string.Join(";\n", Statements(database, write));

    /// <summary>The write's statements, in order.</summary>
    public static IReadOnlyList<string> Statements(LedgerDatabase database, ProgressWrite write)
    {
        var statements = new List<string>
        {
            """
            UPDATE call_attempts SET status = @Status, status_rank = @Rank, provider_updated_at = @ProviderUpdatedAt,
                saw_in_progress = @SawInProgress,
                line_ended_at = CASE WHEN @LineEndsNow THEN coalesce(line_ended_at, @Now) ELSE line_ended_at END,
                final_check_at = CASE WHEN @FinalNow THEN NULL WHEN @LineEndsNow THEN @FinalCheckAt ELSE final_check_at END,
                duration_seconds = coalesce(@DurationSeconds, duration_seconds), cost_cents = coalesce(@CostCents, cost_cents),
                updated_at = @Now
            WHERE execution_id = @ExecutionId
            """,
        };

        if (write.ItemTo is { } to)
        {
            const string Move = """
                UPDATE queue_items SET status = @ItemTo, outcome = @Status, connected = @Connected,
                    failure_reason = @FailureReason,
                    attempts = CASE WHEN @UncountAttempt THEN attempts - 1 ELSE attempts END,
                    ended_at = CASE WHEN @ItemTo = 'in-progress' THEN ended_at ELSE coalesce(ended_at, @Now) END,
                    scheduled_for = CASE WHEN @ItemTo = 'queued' THEN @RetryNotBefore ELSE scheduled_for END,
                    updated_at = @Now
                WHERE id = @ItemId AND attempts = @Attempt AND status = @ItemFrom
                """;
            statements.AddRange(CounterColumns.MoveIfMoved(database.Dialect, Move, write.ItemFrom, to));
        }

        if (write.IsCurrentAttempt && CallStatus.IsLineEnded(write.Status))
        {
            statements.Add(
                """
                UPDATE queue_items SET outcome = @Status,
                    duration_seconds = coalesce(@DurationSeconds, duration_seconds), cost_cents = coalesce(@CostCents, cost_cents),
                    transcript = coalesce(@Transcript, transcript), summary = coalesce(@Summary, summary),
                    recording_url = coalesce(@RecordingUrl, recording_url), hangup_reason = coalesce(@HangupReason, hangup_reason),
                    extracted_data = coalesce(@ExtractedData, extracted_data),
                    updated_at = @Now
                WHERE id = @ItemId AND attempts = @Attempt
                """);
        }

        if (write.UpdateContactHistory && write.ContactId is not null)
        {
            statements.Add(write.Connected
                ? """
                  UPDATE contacts SET successful_calls = successful_calls + 1, last_conversation_at = @Now,
                      last_transcript_summary = coalesce(@Summary, last_transcript_summary), updated_at = @Now
                  WHERE id = @ContactId
                  """
                : "UPDATE contacts SET not_connected_calls = not_connected_calls + 1, updated_at = @Now WHERE id = @ContactId");
        }

        if (write.CorrectContactHistory && write.ContactId is not null)
        {
            statements.Add(
                $"""
                UPDATE contacts SET successful_calls = successful_calls + 1, not_connected_calls = {database.Greatest}(0, not_connected_calls - 1),
                    last_conversation_at = @Now, last_transcript_summary = coalesce(@Summary, last_transcript_summary), updated_at = @Now
                WHERE id = @ContactId
                """);
        }

        if (write.UncountAttempt)
        {
            // The attempt's number goes to the next dial; this call keeps a number of its own below zero (never current).
            // No call was placed: it does not count towards the number's frequency cap either.
            statements.Add("DELETE FROM number_dials WHERE item_id = @ItemId AND attempt = @Attempt");
            statements.Add(
                """
                UPDATE call_attempts SET attempt = -attempt - 1000 * (SELECT count(*) FROM call_attempts x WHERE x.item_id = @ItemId AND x.attempt < 0)
                WHERE execution_id = @ExecutionId
                """);
        }

        if (write.PauseReason is not null)
        {
            statements.Add(
                """
                UPDATE campaigns SET status = 'paused', status_reason = @PauseReason, updated_at = @Now
                WHERE id = @CampaignId AND status IN ('active', 'scheduled')
                """);
        }

        if (write.OptOutReason is not null && write.ContactId is not null)
        {
            // On the user's list at once, and the number's other queued items (every campaign) end with their counters.
            const string Queued = "contact_id = @ContactId AND status = 'queued' AND id <> @ItemId";
            statements.Add(
                """
                INSERT INTO suppressions (user_id, phone_number, source, reason, created_at)
                SELECT user_id, phone_number, 'call', @OptOutReason, @Now FROM queue_items WHERE id = @ItemId
                ON CONFLICT DO NOTHING
                """);
            statements.Add(
                $"""
                UPDATE campaigns SET queued_count = queued_count - (SELECT count(*) FROM queue_items WHERE campaign_id = campaigns.id AND {Queued}),
                    cancelled_count = cancelled_count + (SELECT count(*) FROM queue_items WHERE campaign_id = campaigns.id AND {Queued}), updated_at = @Now
                WHERE id IN (SELECT campaign_id FROM queue_items WHERE {Queued})
                """);
            statements.Add(
                $"""
                UPDATE queue_items SET status = 'cancelled', outcome = 'do-not-call', updated_at = @Now,
                    failure_reason = phone_number || ' is on your do-not-call list (' || @OptOutReason || ')'
                WHERE {Queued}
                """);
        }

        // The only statement that returns a row, and the last: the lease it released.
        if (write.LineEndsNow) statements.Add("DELETE FROM slot_leases WHERE item_id = @ItemId AND attempt = @Attempt RETURNING id");
        return statements;
    }
}
