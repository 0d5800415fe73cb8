global using CallCampaigns.Domain.Calls;
global using Orleans.Concurrency;
