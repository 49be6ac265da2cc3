import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';

/** The audit log and its hash chain. Its stores come from AppModule, which provides them to every feature. */
@Module({ controllers: [AuditController] })
export class AuditModule {}
