// Every test host runs the heartbeat and timeout workers over the one shared lifecycle table; run one test at a
// time so that no host drives another test's apps.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
