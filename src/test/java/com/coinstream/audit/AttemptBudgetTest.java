package com.coinstream.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Refused admin attempts are recorded up to a budget per caller who is not an admin; an admin's always. */
@Tag("fast")
class AttemptBudgetTest {
    @Test
    void aCallerWhoIsNotAnAdminIsRecordedUpToTheBudgetAndAnAdminAlways() {
        AttemptBudget budget = new AttemptBudget(5);
        long anonymous = IntStream.range(0, 50).filter(i -> budget.record(null, Set.of())).count();
        assertEquals(5, anonymous, "every caller without a token counts as one");
        assertEquals(5, IntStream.range(0, 50).filter(i -> budget.record("mallory", Set.of("viewer"))).count());
        assertTrue(budget.record("bob", Set.of("viewer", "creator")), "another caller has a budget of their own");
        assertEquals(50, IntStream.range(0, 50).filter(i -> budget.record("ada", Set.of("admin"))).count(), "an admin's are all recorded");
    }
}
