using System.Security.Claims;
using System.Text.Encodings.Web;
using CallCampaigns.Ledger.Users;
using CallCampaigns.Silo;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Api.Auth;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c>: the admin key from configuration, or a user's key (stored hashed).
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NodeSecrets secrets,
    DashboardSessions sessions,
    UserStore users) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string AdminRole = "admin";
    public const string UserRole = "user";

    /// <summary>The cookie a browser carries its dashboard session in (set by /dashboard-login; a session id, not the key).</summary>
    public const string AdminCookie = "cc_admin";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Request.Cookies.TryGetValue(AdminCookie, out var cookie) && sessions.IsValid(cookie) ? Success("admin", AdminRole) : AuthenticateResult.NoResult();
        }

        var key = header["Bearer ".Length..].Trim();
        if (key.Length == 0) return AuthenticateResult.Fail("Empty API key");

        if (secrets.IsAdminKey(key)) return Success("admin", AdminRole);
        return await users.FindUserIdByKeyHashAsync(NodeSecrets.Hash(key)) is { } userId
            ? Success(userId, UserRole)
            : AuthenticateResult.Fail("Unknown API key");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Results.Problem(
            statusCode: 401, title: "Unauthorized",
            detail: "Send a valid API key as 'Authorization: Bearer <key>'.").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(
            statusCode: 403, title: "Forbidden",
            detail: Context.User.IsInRole(AdminRole)
                ? "The admin key manages users and limits; use a user's key for this route."
                : "This route needs the admin key.").ExecuteAsync(Context);
    }

    private AuthenticateResult Success(string id, string role)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Role, role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

public static class CallerExtensions
{
    /// <summary>The calling user's id (routes that need a user key only).</summary>
    public static string UserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No caller");
}
