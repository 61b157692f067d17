package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.dataloader.DataLoaderFactory;
import org.dataloader.DataLoaderRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import graphql.ExecutionInput;

/**
 * The data loaders an execution keeps are those of the batched fields its document names (DataLoadersInUse): a field
 * is selected only by its name, so one named nowhere cannot be needed, and a name anywhere keeps its loader.
 */
@Tag("fast")
class DataLoadersInUseTest {
    @Test
    void aLoaderIsKeptWhenItsFieldIsNamedAsAWholeName() {
        assertTrue(DataLoadersInUse.namesField("subscription { giftEvents(streamId: $s) { id gift { name } } }", "GiftEvent_gift"));
        assertFalse(DataLoadersInUse.namesField("subscription { giftEvents(streamId: $s) { id coins } }", "GiftEvent_gift"),
                "giftEvents is a longer name");
        assertTrue(DataLoadersInUse.namesField("{ wallet { ...W } } fragment W on Wallet { coinDebt }", "Wallet_coinDebt"), "in a fragment");
        assertTrue(DataLoadersInUse.namesField("{ a: moneyValue }", "Wallet_moneyValue"), "behind an alias");
        assertTrue(DataLoadersInUse.namesField("{ x }\n# coinDebt\n", "Wallet_coinDebt"), "a comment keeps one too many, never one too few");
        assertTrue(DataLoadersInUse.namesField("{ my_field }", "Some_Type_my_field"), "underscores in either part");
        assertFalse(DataLoadersInUse.namesField("{ my_fields }", "Type_my_field"));
        assertTrue(DataLoadersInUse.namesField("creator", "StreamView_creator"), "at the document's very start and end");
    }

    @Test
    void theExecutionsRegistryKeepsOnlyTheNamedFieldsLoaders() {
        DataLoaderRegistry registry = new DataLoaderRegistry();
        for (String key : Set.of("Wallet_coinDebt", "Wallet_moneyValue", "GiftEvent_eventGift", "StreamView_totals")) {
            registry.register(key, DataLoaderFactory.newDataLoader(keys -> java.util.concurrent.CompletableFuture.completedFuture(keys)));
        }
        ExecutionInput input = ExecutionInput.newExecutionInput().query("{ wallet { coins coinDebt } liveStreams { nodes { totals { coins } } } }")
                .dataLoaderRegistry(registry).build();
        new DataLoadersInUse().instrumentExecutionInput(input, null, null);
        assertEquals(Set.of("Wallet_coinDebt", "StreamView_totals"), registry.getKeys());
        ExecutionInput blank = ExecutionInput.newExecutionInput().query(" ").dataLoaderRegistry(registry).build();
        new DataLoadersInUse().instrumentExecutionInput(blank, null, null);
        assertEquals(2, registry.getKeys().size(), "no document (a persisted query): every loader kept");
    }
}
