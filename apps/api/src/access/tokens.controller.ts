import { createTokenSchema, type TokenView } from '@bulkhead/contracts';
import { createToken, type TokenCrypto, type TokenRecord, type TokenStore } from '@bulkhead/access';
import { AppError } from '@bulkhead/contracts';
import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { parseBody, UuidPipe } from '../http/body';
import type { BulkheadRequest } from '../http/request-context';
import { TOKEN_CRYPTO, TOKEN_STORE } from '../stores.providers';

const toView = (t: TokenRecord): TokenView => ({
  id: t.id,
  name: t.name,
  role: t.role,
  prefix: t.prefix,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('api/v1/tokens')
export class TokensController {
  constructor(
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
    @Inject(TOKEN_CRYPTO) private readonly crypto: TokenCrypto,
  ) {}

  @Get()
  @RequireRole('admin')
  async list(): Promise<TokenView[]> {
    return (await this.tokens.list()).map(toView);
  }

  /** The only answer that ever contains the token: store it now. */
  @Post()
  @Audited('token.create', (_req, r) => ({ target: (r as { name: string }).name, details: { role: (r as { role: string }).role } }))
  @RequireRole('admin')
  @ApiBody({ schema: z.toJSONSchema(createTokenSchema) as object })
  async create(@Req() req: BulkheadRequest): Promise<TokenView & { token: string }> {
    const { record, token } = await createToken(this.tokens, this.crypto, parseBody(req, createTokenSchema));
    return { ...toView(record), token };
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @Audited('token.revoke', (req) => ({ target: String(req.params.tokenId) }))
  @RequireRole('admin')
  async revoke(@Param('tokenId', UuidPipe) id: string): Promise<void> {
    if (!(await this.tokens.revoke(id, new Date()))) throw AppError.notFound('token', id);
  }
}
