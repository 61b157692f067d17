package com.coinstream.graphql;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** On a whole-number argument or input field (Int, BigInteger): the documented range, checked by the {@link InputGate}. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
public @interface Range {
    long min();

    long max();
}
