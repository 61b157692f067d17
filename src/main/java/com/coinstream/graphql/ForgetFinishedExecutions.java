package com.coinstream.graphql;

import io.smallrye.graphql.api.Context;
import io.smallrye.graphql.execution.context.SmallRyeContext;
import io.smallrye.graphql.execution.context.SmallRyeContextManager;
import io.smallrye.graphql.spi.EventingService;

/**
 * SmallRye GraphQL keeps the context of the last execution in a thread local of the thread that ran it, and the next
 * execution on that thread starts from it. On the event loop, where WebSocket operations run, nothing clears it: every
 * operation's context then holds the one before it (its result, its subscription's publisher, its connection), and
 * closed subscriptions could never be collected. Measured: 50 WebSocket clients that subscribed and closed left 50
 * connections on the heap, and 400 subscribers coming and going on quiet streams filled a 144 MB heap in two minutes.
 * Here an execution starts without the result of the one before (the link that chained them all: a field's copy of the
 * context, made during execution N, carried execution N-1's result), and once it is written its context leaves the
 * thread (a later field of the same execution finds it in its own GraphQL context, as SmallRye does when the thread
 * local is empty). Registered with ServiceLoader. Tested by SubscriptionsAreCollectedTest.
 */
public class ForgetFinishedExecutions implements EventingService {

    @Override
    public String getConfigKey() {
        return null; // always on
    }

    @Override
    public void beforeExecute(Context context) {
        if (context instanceof SmallRyeContext reused) {
            reused.setExecutionResult(null);
        }
    }

    @Override
    public void afterExecute(Context context) {
        SmallRyeContextManager.clearCurrentSmallRyeContext();
    }

    @Override
    public void errorExecute(Context context, Throwable t) {
        SmallRyeContextManager.clearCurrentSmallRyeContext();
    }
}
