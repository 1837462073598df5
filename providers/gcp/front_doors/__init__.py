"""What fronts a Cloud Function: API Gateway gateways, external HTTP(S) load balancers with
serverless NEGs, and Pub/Sub topics that trigger it. Each is read once per project (topics once per
scan), matched to the scanned functions by URL or resource name, and turned into InvocationPaths."""
