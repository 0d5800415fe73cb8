namespace CallCampaigns.Ledger.Contacts;

/// <summary>
/// <see cref="Domain.Campaigns.Priority.Compute(Domain.Campaigns.PriorityFacts)"/> as SQL over a row of <c>contacts</c>,
/// for the set-based statements that give many rows their priority at once (both dialects).
/// </summary>
public static class PrioritySql
{
    /// <summary>The priority of the contact row aliased <paramref name="contact"/>.</summary>
    public static string Of(string contact)
    {
        var raw =
            $"(CASE WHEN trim(coalesce({contact}.name, '')) <> '' THEN 100 ELSE 0 END" +
            $" + CASE WHEN trim(coalesce({contact}.email, '')) <> '' THEN 10 ELSE 0 END" +
            $" + CASE WHEN trim(coalesce({contact}.company, '')) <> '' THEN 10 ELSE 0 END" +
            $" + CASE WHEN {contact}.successful_calls >= 4 THEN 20 WHEN {contact}.successful_calls > 0 THEN 5 * {contact}.successful_calls ELSE 0 END" +
            $" - CASE WHEN {contact}.not_connected_calls > 0 THEN 10 * {contact}.not_connected_calls ELSE 0 END)";
        return $"CASE WHEN {raw} > 0 THEN {raw} ELSE 0 END";
    }
}
