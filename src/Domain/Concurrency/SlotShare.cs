namespace CallCampaigns.Domain.Concurrency;

/// <summary>
/// How many call slots a campaign can expect while the users named keep work waiting: the system limit is shared
/// round-robin among those users (water-filling: a user never gets more than their own limit, and what they cannot
/// use goes to the others), and a user's share is split evenly among their campaigns with work waiting.
/// </summary>
public static class SlotShare
{
    /// <param name="systemLimit">Slots for the whole system.</param>
    /// <param name="waitingUserLimits">The limit of each user with work waiting (the campaign's own user included).</param>
    /// <param name="userLimit">The campaign's user's limit.</param>
    /// <param name="userCampaigns">How many of the user's campaigns have work waiting (at least this one).</param>
    public static double ForCampaign(int systemLimit, IReadOnlyCollection<int> waitingUserLimits, int userLimit, int userCampaigns) =>
        ForUser(systemLimit, waitingUserLimits, userLimit) / Math.Max(1, userCampaigns);

    /// <summary>The user's round-robin share of the system limit, never above the user's own limit.</summary>
    public static double ForUser(int systemLimit, IReadOnlyCollection<int> waitingUserLimits, int userLimit)
    {
        var left = (double)systemLimit;
        var users = waitingUserLimits.Count;
        foreach (var limit in waitingUserLimits.Order())
        {
            var level = left / users;
            if (limit >= level) return Math.Min(userLimit, level);
            left -= limit;
            users--;
        }

        return userLimit;
    }
}
