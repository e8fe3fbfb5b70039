package dev.poolguard.sample;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The clients API: the workload that the sample puts on its pool. Bad input is rejected
 * here, before a connection is borrowed, so that it never costs the pool anything.
 *
 * @author PoolGuard
 */
@RestController
@RequestMapping("/api/clients")
class ClientController {

	/**
	 * The largest page. Unbounded pages would let one request hold a connection for as
	 * long as it takes to read the whole table.
	 */
	static final int MAX_PAGE_SIZE = 100;

	private final ClientService clients;

	ClientController(ClientService clients) {
		this.clients = clients;
	}

	@GetMapping
	ClientPage list(@RequestParam(defaultValue = "0") @Min(0) int page,
			@RequestParam(defaultValue = "20") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
		return this.clients.list(page, size);
	}

	@GetMapping("/{id}")
	Client get(@PathVariable long id) {
		Client client = this.clients.get(id);
		this.clients.recordView(id);
		return client;
	}

	@PostMapping
	ResponseEntity<Client> create(@Valid @RequestBody ClientRequest request) {
		Client client = this.clients.create(request);
		return ResponseEntity.created(UriComponentsBuilder.fromPath("/api/clients/{id}").build(client.id()))
			.body(client);
	}

	@PutMapping("/{id}")
	Client update(@PathVariable long id, @Valid @RequestBody ClientRequest request) {
		return this.clients.update(id, request);
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable long id) {
		this.clients.delete(id);
	}

}
