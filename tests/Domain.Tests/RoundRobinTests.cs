namespace CallCampaigns.Domain.Tests;

public sealed class RoundRobinTests
{
    [Fact]
    public void Ten_slots_for_three_users_wanting_five_each_go_four_three_three()
    {
        var users = new RoundRobin<string>();
        users.Want("A", 5);
        users.Want("B", 5);
        users.Want("C", 5);

        var given = users.Allocate(10);

        Assert.Equal(4, given["A"]);
        Assert.Equal(3, given["B"]);
        Assert.Equal(3, given["C"]);
    }

    [Fact]
    public void A_freed_slot_goes_to_the_one_who_has_waited_longest()
    {
        var users = new RoundRobin<string>();
        users.Want("A", 10);
        users.Want("B", 10);
        users.Want("C", 10);
        users.Allocate(10);

        users.TryPeek(out var next);

        Assert.Equal("B", next);
    }

    [Fact]
    public void One_with_a_thousand_waiting_does_not_starve_one_with_a_single_item()
    {
        var users = new RoundRobin<string>();
        users.Want("big", 1000);
        users.Allocate(5);
        users.Want("small", 1);

        Assert.Equal("small", users.Allocate(1).Single().Key);
    }

    [Fact]
    public void Ineligible_members_are_skipped_without_losing_their_turn()
    {
        var users = new RoundRobin<string>();
        users.Want("A", 1);
        users.Want("B", 1);
        Assert.True(users.TryPeek(key => key != "A", out var next));
        Assert.Equal("B", next);
        Assert.True(users.TryPeek(out var first));
        Assert.Equal("A", first);
    }

    [Fact]
    public void With_a_newcomer_order_those_never_served_go_in_it_whoever_asked_first()
    {
        var campaigns = new RoundRobin<long>(Comparer<long>.Default);
        campaigns.Want(5, 10);
        campaigns.Want(4, 10);

        Assert.Equal([4, 5, 4, 5], Enumerable.Range(0, 4).Select(_ => Serve(campaigns)));
    }

    [Fact]
    public void One_given_aside_keeps_its_place_in_the_turns()
    {
        var users = new RoundRobin<string>();
        users.Want("B", 2);
        users.Want("A", 2);
        users.GaveAside("B");

        Assert.True(users.TryPeek(out var next));
        Assert.Equal("B", next);
        Assert.Equal(1, users.WantedBy("B"));
    }

    private static long Serve(RoundRobin<long> members)
    {
        Assert.True(members.TryPeek(out var key));
        members.Served(key);
        return key;
    }
}
