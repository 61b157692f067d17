package com.coinstream.graphql;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a list argument or input field: at most this many items (default {@value InputGate#DEFAULT_MAX_ITEMS}), checked
 * by the {@link InputGate}. Items of a list of scalars are distinct either way.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
public @interface MaxItems {
    int value();
}
