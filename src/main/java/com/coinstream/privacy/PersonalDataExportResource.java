package com.coinstream.privacy;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import org.jboss.resteasy.reactive.RestResponse;

import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

/** The caller's personal data as a JSON download, with the same bearer token as the API. */
@Path("/exports/my-data.json")
public class PersonalDataExportResource {
    private final CurrentCaller caller;
    private final PersonalData data;
    private final com.coinstream.web.SentResponses sentResponses;

    public PersonalDataExportResource(CurrentCaller caller, PersonalData data, com.coinstream.web.SentResponses sentResponses) {
        this.caller = caller;
        this.data = data;
        this.sentResponses = sentResponses;
    }

    @GET
    @Produces("application/json")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR, Role.ADMIN })
    public Uni<RestResponse<String>> export() {
        var sent = sentResponses.ofCurrentRequest();
        return caller.get().flatMap(c -> data.export(c.userId(), sent)).map(json -> RestResponse.ResponseBuilder.ok(json)
                .header("Content-Disposition", "attachment; filename=\"my-data.json\"").build());
    }
}
