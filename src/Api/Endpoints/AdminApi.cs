using System.Text.Json;
using System.Text.RegularExpressions;
using CallCampaigns.Api.Auth;
using CallCampaigns.Api.Contracts;
using CallCampaigns.Domain;
using CallCampaigns.Domain.Limits;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Users;
using CallCampaigns.Silo;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Api.Endpoints;

/// <summary>Users, their keys and limits, and the system limit: the admin key only.</summary>
public static partial class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(policy => policy.RequireRole(ApiKeyAuthentication.AdminRole));
        group.MapPost("/users", CreateUser);
        group.MapGet("/users", ListUsers);
        group.MapPut("/users/{id}/limits", SetUserLimit);
        group.MapPost("/users/{id}/keys", RotateKey);
        group.MapGet("/system", GetSystem);
        group.MapPut("/system", SetSystem);
        return group;
    }

    public static async Task<Results<Created<CreatedUser>, ValidationProblem, ProblemHttpResult>> CreateUser(
        CreateUserRequest request, UserStore users, IOptions<LimitsOptions> limits, EngineClock time)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Id) || !UserIdPattern().IsMatch(request.Id))
        {
            errors["id"] = ["Required: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."];
        }

        if (string.IsNullOrWhiteSpace(request.Name)) errors["name"] = ["Required."];
        else if (InputLimits.TooLong(request.Name.Trim(), InputLimits.MaxNameLength) is { } tooLong) errors["name"] = [tooLong];
        var limit = request.ConcurrentCallsLimit ?? limits.Value.DefaultUserConcurrency;
        if (limit is < 1 or > 1000) errors["concurrentCallsLimit"] = ["Must be between 1 and 1000."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, detail: $"{errors.First().Key}: {errors.First().Value[0]}");

        var key = NodeSecrets.Generate("cc_");
        if (!await users.CreateAsync(request.Id!, request.Name!.Trim(), limit, NodeSecrets.Hash(key), UnixMs.From(time.GetUtcNow())))
        {
            return Problems.Conflict($"A user with id '{request.Id}' already exists.");
        }

        return TypedResults.Created($"/api/admin/users/{request.Id}", new CreatedUser(request.Id!, request.Name.Trim(), limit, key));
    }

    public static async Task<Ok<IReadOnlyList<UserSummary>>> ListUsers(UserStore users) =>
        TypedResults.Ok<IReadOnlyList<UserSummary>>((await users.ListUsageAsync()).Select(UserSummary.From).ToArray());

    public static async Task<Results<Ok<UserSummary>, ValidationProblem, ProblemHttpResult>> SetUserLimit(
        string id, SetLimitRequest request, UserStore users, IGrainFactory grains, EngineClock time)
    {
        var (capGiven, cap, capError) = ReadCap(request.CallCap);
        if (capError is not null) return Problems.Invalid("callCap", capError);
        if (request.ConcurrentCallsLimit is null && !capGiven) return Problems.Invalid("concurrentCallsLimit", "Required: the limit (1 to 1000), or a callCap.");
        if (request.ConcurrentCallsLimit is { } asked && asked is not (>= 1 and <= 1000))
        {
            return Problems.Invalid("concurrentCallsLimit", "Must be between 1 and 1000.");
        }

        var now = UnixMs.From(time.GetUtcNow());
        if (await users.GetUsageAsync(id) is null) return Problems.NotFound($"No user '{id}'.");
        if (capGiven) await users.SetUserCapAsync(id, cap, now);
        if (request.ConcurrentCallsLimit is { } limit)
        {
            await users.SetLimitAsync(id, limit, now);
            await grains.GetGrain<IUserGrain>(IUserGrain.KeyOf(id)).LimitChanged();
            await grains.GetGrain<ISystemConcurrencyGrain>(ISystemConcurrencyGrain.Key).LimitsChanged();
        }

        return TypedResults.Ok(UserSummary.From((await users.GetUsageAsync(id))!));
    }

    /// <summary>
    /// A <c>callCap</c> field: left out (not given), <c>null</c> (given: none), or <c>{maxCalls, perHours}</c>;
    /// anything else is an error.
    /// </summary>
    private static (bool Given, CallCap? Cap, string? Error) ReadCap(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Undefined) return (false, null, null);
        if (element.ValueKind == JsonValueKind.Null) return (true, null, null);
        const string Shape = "An object {maxCalls, perHours} (at most maxCalls calls to one number within any perHours hours), or null for none.";
        if (element.ValueKind != JsonValueKind.Object) return (false, null, Shape);
        int? Number(string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;
        var (max, hours) = (Number("maxCalls"), Number("perHours"));
        return CallCap.Problem(max, hours) is { } problem ? (false, null, problem) : (true, new CallCap(max!.Value, hours!.Value), null);
    }

    public static async Task<Results<Created<NewApiKey>, ProblemHttpResult>> RotateKey(string id, UserStore users, EngineClock time)
    {
        var key = NodeSecrets.Generate("cc_");
        return await users.ReplaceKeyAsync(id, NodeSecrets.Hash(key), UnixMs.From(time.GetUtcNow()))
            ? TypedResults.Created($"/api/admin/users/{id}", new NewApiKey(key))
            : Problems.NotFound($"No user '{id}'.");
    }

    public static async Task<Ok<SystemSummary>> GetSystem(UserStore users) => TypedResults.Ok(await SummariseAsync(users));

    public static async Task<Results<Ok<SystemSummary>, ValidationProblem>> SetSystem(
        SetSystemLimitRequest request, UserStore users, IGrainFactory grains, EngineClock time)
    {
        var (capGiven, cap, capError) = ReadCap(request.CallCap);
        if (capError is not null) return Problems.Invalid("callCap", capError);
        if (request.SystemConcurrentCallsLimit is null && !capGiven)
        {
            return Problems.Invalid("systemConcurrentCallsLimit", "Required: the limit (1 to 100000), or a callCap.");
        }

        if (request.SystemConcurrentCallsLimit is { } asked && asked is not (>= 1 and <= 100000))
        {
            return Problems.Invalid("systemConcurrentCallsLimit", "Must be between 1 and 100000.");
        }

        var now = UnixMs.From(time.GetUtcNow());
        if (capGiven) await users.SetSystemCapAsync(cap, now);
        if (request.SystemConcurrentCallsLimit is { } limit)
        {
            await users.SetSystemLimitAsync(limit, now);
            await grains.GetGrain<ISystemConcurrencyGrain>(ISystemConcurrencyGrain.Key).LimitsChanged();
        }

        return TypedResults.Ok(await SummariseAsync(users));
    }

    private static async Task<SystemSummary> SummariseAsync(UserStore users)
    {
        var usage = await users.ListUsageAsync();
        return new SystemSummary(
            await users.GetSystemLimitAsync(), usage.Sum(u => u.ActiveCalls), usage.Sum(u => u.QueuedCalls),
            usage.Select(u => new SystemUsage(u.Id, u.ActiveCalls, u.QueuedCalls)).ToArray(),
            await users.GetSystemCapAsync() is { } cap ? new CallCapDto(cap.MaxCalls, cap.PerHours) : null);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex UserIdPattern();
}
