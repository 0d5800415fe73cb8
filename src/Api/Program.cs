using CallCampaigns.Api;

// The content root is where the node's files are (appsettings.json), wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddCallCampaignsApi();

var app = builder.Build();
app.UseCallCampaignsApi();
app.Run();
