package com.coinstream.graphql;

import com.coinstream.domain.ApiException;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.graphql.api.ErrorCode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Wraps the @RolesAllowed check (Quarkus runs it at priority PLATFORM_BEFORE + 150, inside this one) and
 * turns its message-less exceptions into clear errors with stable codes, instead of a masked "System error".
 */
@ApiSecurity
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class ApiSecurityInterceptor {

    @AroundInvoke
    Object explain(InvocationContext ctx) throws Exception {
        try {
            Object result = ctx.proceed();
            if (result instanceof Uni<?> uni) {
                return uni.onFailure().transform(ApiSecurityInterceptor::translate);
            }
            if (result instanceof Multi<?> multi) {
                return multi.onFailure().transform(ApiSecurityInterceptor::translate);
            }
            return result;
        } catch (RuntimeException e) {
            throw (RuntimeException) translate(e);
        }
    }

    static Throwable translate(Throwable e) {
        if (e instanceof UnauthorizedException || e instanceof AuthenticationFailedException) {
            return new Unauthenticated();
        }
        if (e instanceof ForbiddenException) {
            return new Forbidden();
        }
        return e;
    }

    @ErrorCode("UNAUTHENTICATED")
    public static class Unauthenticated extends ApiException {
        public Unauthenticated() {
            super("Authentication required: send a valid bearer token in the Authorization header");
        }
    }

    @ErrorCode("FORBIDDEN")
    public static class Forbidden extends ApiException {
        public Forbidden() {
            super("Your roles do not allow this operation");
        }
    }
}
