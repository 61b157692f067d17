package com.coinstream.graphql;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On an input class whose fields are each optional changes: at least one of the fields named must be given (not null,
 * and not an empty list unless {@link #emptyIsAChange} says so), checked by the {@link InputGate}; an input that names no change is INVALID_INPUT, never
 * written as one (a rate version that names nothing new, a settings change of no setting). Values equal to the current
 * ones are still a change asked for.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface AtLeastOne {
    /** The fields' GraphQL names, as the refusal names them. */
    String[] value();

    /** Those of {@link #value} whose empty list is itself a change (a gift's {@code regions: []}: everywhere), not none. */
    String[] emptyIsAChange() default {};
}
