using CallCampaigns.Api.Auth;
using CallCampaigns.Silo;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Dashboard;

namespace CallCampaigns.Api.Endpoints;

/// <summary>
/// The Orleans dashboard at <c>/dashboard</c>, for the admin only. A browser cannot send a bearer key with the
/// dashboard's own requests, so <c>POST /dashboard-login</c> (form field <c>key</c>) starts a session on this node and
/// puts its random id (never the key) in an HTTP-only, same-site cookie that the authentication accepts for the admin.
/// </summary>
public static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder routes)
    {
        routes.MapOrleansDashboard("/dashboard").RequireAuthorization(policy => policy.RequireRole(ApiKeyAuthentication.AdminRole));
        routes.MapPost("/dashboard-login", Login).AllowAnonymous().DisableAntiforgery().WithTags("Operations");
        return routes;
    }

    public static async Task<Results<RedirectHttpResult, ProblemHttpResult>> Login(HttpRequest request, NodeSecrets secrets, DashboardSessions sessions)
    {
        if (!request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad Request", detail: "Send the admin key as the form field 'key' (application/x-www-form-urlencoded).");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync();
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            // A multipart body without its boundary, or cut short, is the sender's mistake.
            return TypedResults.Problem(statusCode: 400, title: "Bad Request", detail: $"The form could not be read: {e.Message}");
        }

        var key = form["key"].ToString();
        if (key.Length == 0 || !secrets.IsAdminKey(key)) return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: "That is not the admin key.");
        request.HttpContext.Response.Cookies.Append(ApiKeyAuthentication.AdminCookie, sessions.Start(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = request.IsHttps,
            Path = "/",
            MaxAge = DashboardSessions.Lifetime,
        });
        return TypedResults.Redirect("/dashboard/");
    }
}
