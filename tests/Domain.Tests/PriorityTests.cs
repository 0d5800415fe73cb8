namespace CallCampaigns.Domain.Tests;

public sealed class PriorityTests
{
    [Fact]
    public void Named_contacts_outrank_unnamed_ones_whatever_else_they_have() =>
        Assert.True(Priority.Compute("Asha", null, null, 0, 0) > Priority.Compute(null, "a@b.c", "Acme", 4, 0));

    [Theory]
    [InlineData("Asha", "a@b.c", "Acme", 0, 0, 120)]
    [InlineData("Asha", null, null, 0, 0, 100)]
    [InlineData(null, "a@b.c", null, 0, 0, 10)]
    [InlineData("Asha", null, null, 3, 0, 115)]
    [InlineData("Asha", null, null, 10, 0, 120)]
    [InlineData("Asha", null, null, 0, 2, 80)]
    [InlineData(null, null, null, 0, 3, 0)]
    [InlineData("  ", "", null, 0, 0, 0)]
    public void Priority_follows_the_seed_rule(string? name, string? email, string? company, int successful, int notConnected, int expected) =>
        Assert.Equal(expected, Priority.Compute(name, email, company, successful, notConnected));
}
