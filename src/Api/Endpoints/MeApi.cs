using System.Security.Claims;
using CallCampaigns.Api.Auth;
using CallCampaigns.Api.Contracts;
using CallCampaigns.Bolna;
using CallCampaigns.Ledger.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallCampaigns.Api.Endpoints;

/// <summary>The calling user, and the agents they can pick.</summary>
public static class MeApi
{
    public static RouteGroupBuilder MapMeApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Me").RequireAuthorization(UserPolicy);
        group.MapGet("/me", GetMe);
        group.MapGet("/agents", ListAgents);
        return group;
    }

    public const string UserPolicy = "user";

    public static async Task<Results<Ok<Me>, ProblemHttpResult>> GetMe(ClaimsPrincipal caller, UserStore users)
    {
        var usage = await users.GetUsageAsync(caller.UserId());
        if (usage is null) return Problems.NotFound("The user behind this key no longer exists.");
        var cap = usage is { CallCapMax: { } max, CallCapHours: { } hours } ? new CallCapDto(max, hours)
            : await users.GetSystemCapAsync() is { } system ? new CallCapDto(system.MaxCalls, system.PerHours) : null;
        return TypedResults.Ok(new Me(
            usage.Id, usage.Name, usage.ConcurrencyLimit, await users.GetSystemLimitAsync(), usage.ActiveCalls, usage.QueuedCalls, cap));
    }

    public static async Task<Results<Ok<IReadOnlyList<Agent>>, ProblemHttpResult>> ListAgents(IDialer dialer, CancellationToken cancellationToken)
    {
        try
        {
            var agents = await dialer.ListAgentsAsync(cancellationToken);
            return TypedResults.Ok<IReadOnlyList<Agent>>(agents.Select(a => new Agent(a.Id, a.Name)).ToArray());
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            // Unreachable, slow (a time-out) or failing (an open circuit): never a 500.
            return TypedResults.Problem(statusCode: 502, title: "Bad Gateway", detail: $"Bolna did not list the agents: {e.Message}");
        }
    }

    internal static void AddPolicies(Microsoft.AspNetCore.Authorization.AuthorizationBuilder authorization) =>
        authorization.AddPolicy(UserPolicy, policy => policy.RequireRole(ApiKeyAuthentication.UserRole));
}
