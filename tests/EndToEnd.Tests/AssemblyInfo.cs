// Each fixture runs a whole platform; two at once on a 2-core machine would only slow both down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
